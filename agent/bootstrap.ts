// Assembles a running agent: runtime + features + the HTTP app. `agent serve`,
// the CLI's in-process mode and the integration tests all go through here.
import type { Hono } from "hono";
import type { Exec } from "./exec.ts";
import type { Settings } from "./settings.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { createApp } from "./api/app.ts";
import { type Feature, FEATURES } from "./features.ts";
import { uiRouter } from "../web/server.ts";

export interface Agent {
  rt: Runtime;
  app: Hono;
  features: Feature[];
  /** Starts background jobs (serve only). */
  startJobs(): Promise<void>;
  close(): Promise<void>;
}

export async function buildAgent(
  settings: Settings,
  opts: { privateNginx?: boolean; exec?: Exec; log?: (m: string) => void; features?: Feature[] } =
    {},
): Promise<Agent> {
  const features = opts.features ?? FEATURES;
  const rt = await createRuntime(settings, {
    privateNginx: opts.privateNginx,
    exec: opts.exec,
    log: opts.log,
    extensions: features.flatMap((f) => f.extensions ?? []),
  });
  for (const f of features) rt.verifiers.push(...(f.verifiers?.(rt) ?? []));
  for (const f of features) await f.init?.(rt);
  const app = createApp(rt, {
    mounts: features.flatMap((f) => f.mounts ?? []),
    health: features.flatMap((f) => f.health ?? []),
    ui: uiRouter,
  });
  const stops: (() => Promise<void>)[] = [];
  return {
    rt,
    app,
    features,
    async startJobs() {
      for (const f of features) if (f.start) stops.push(await f.start(rt));
    },
    async close() {
      for (const s of stops.reverse()) {
        await s().catch((e) => rt.log(`stopping a job failed: ${e}`));
      }
      await rt.close();
    },
  };
}
