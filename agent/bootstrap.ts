// Assembles a running agent from a host: runtime, the features' services,
// verifiers, init hooks and jobs, and the HTTP app. `agent serve`, the CLI's
// in-process mode and the integration tests all go through here. The feature
// list is not known here: main.ts (or a test) hands it in.
import type { Hono } from "hono";
import type { Settings } from "./settings.ts";
import { type BuildOptions, createRuntime, type Runtime, type ServiceKey } from "./runtime.ts";
import { createApp } from "./api/app.ts";
import { type Feature, Host } from "./host.ts";
import { coreFeature } from "./core.ts";
import { uiRouter } from "../web/server.ts";

export interface Agent<S extends Settings = Settings> {
  rt: Runtime<S>;
  app: Hono;
  host: Host;
  /** Starts the features' start hooks and the scheduler (serve only). */
  startJobs(): Promise<void>;
  close(): Promise<void>;
}

/** The host of an agent built from `features`: the core's setup, then each feature's. */
export function hostFor(features: readonly Feature[]): Host {
  const host = new Host();
  for (const f of [coreFeature, ...features]) {
    if (host.features.includes(f.name)) throw new Error(`feature ${f.name} is listed twice`);
    host.features.push(f.name);
    f.setup(host);
  }
  return host;
}

export async function buildAgent(
  settings: Settings,
  host: Host,
  opts: BuildOptions = {},
): Promise<Agent> {
  const rt = await createRuntime(settings, {
    privateNginx: opts.privateNginx,
    exec: opts.exec,
    log: opts.log,
    kinds: host.kinds,
    extensions: host.extensions,
    templates: host.templates,
    rebuildSources: host.rebuildSources,
    settingRows: host.settingRows,
  });
  try {
    for (const [id, make] of host.services) {
      rt.setService({ id } as ServiceKey<unknown>, await make(rt));
    }
    for (const make of host.verifiers) rt.verifiers.push(make(rt));
    for (const init of host.inits) await init(rt);
  } catch (e) {
    await rt.close();
    throw e;
  }
  for (const j of host.jobs) {
    rt.scheduler.every(j.name, j.every(rt), () => j.run(rt), {
      firstAfterSeconds: j.firstAfterSeconds,
      oncePerFleet: j.oncePerFleet,
    });
  }
  const app = createApp(rt, {
    routes: host.routes,
    health: host.healthSections,
    status: host.statusSections,
    observers: host.requestObservers.map((make) => make(rt)),
    ui: uiRouter,
  });
  const stops: (() => Promise<void>)[] = [];
  return {
    rt,
    app,
    host,
    async startJobs() {
      for (const start of host.starts) stops.push(await start(rt));
      rt.scheduler.start();
    },
    async close() {
      await rt.scheduler.stop();
      for (const s of stops.reverse()) {
        await s().catch((e) => rt.log(`stopping a job failed: ${e}`));
      }
      await rt.close();
    },
  };
}
