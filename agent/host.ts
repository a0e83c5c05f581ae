// The one registry an agent instance owns. A feature is a folder whose only
// entry is `setup(host)`: it declares its kinds, settings rows, templates,
// render extension, verifiers, API routes, CLI commands, jobs, health and status
// sections, rebuild sources and typed services here, and nothing registers at
// import time. `setup` only declares: what runs is handed the Runtime later.
// main.ts is the only place that lists the features.
import type { Hono } from "hono";
import { type AnyKind, type Kind, KindRegistry, type Spec } from "./kind.ts";
import {
  type SettingDef,
  settingDefs,
  type SettingRow,
  type SettingsOf,
} from "./settings/define.ts";
import type { Settings } from "./settings.ts";
import type { RenderExtension } from "./render/files.ts";
import type { RebuildSource, Runtime, ServiceKey } from "./runtime.ts";
import type { Verifier } from "./nginx/reconciler.ts";
import type { Command } from "./cli/command.ts";
import type { ApiDoc } from "./api/openapi.ts";

export interface Feature {
  name: string;
  setup(host: Host): void;
}

export interface HealthValue {
  name: string;
  value: unknown;
  degraded?: boolean;
  /** Why, in words, with the UI page that fixes it (shown by /api/health and the dashboard). */
  reasons?: HealthReason[];
}

export interface HealthReason {
  message: string;
  /** A UI route, e.g. "#/pools/web". */
  link: string;
  /** False for a note that is not a fault (e.g. a refused and reverted apply). */
  degraded: boolean;
}

/** One answered API request (for metrics): the route pattern, not the path. */
export interface RequestInfo {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export type HealthSection<S extends Settings = Settings> = (
  rt: Runtime<S>,
) => Promise<HealthValue>;

export interface JobDef<S extends Settings = Settings> {
  name: string;
  /** Seconds between runs, read from the settings; 0 or less: only on demand. */
  every(rt: Runtime<S>): number;
  /** Delay before the first run (default: one interval). */
  firstAfterSeconds?: number;
  /** Its work is the fleet's (it writes the shared state): in a fleet only the controller runs it. */
  oncePerFleet?: boolean;
  run(rt: Runtime<S>): Promise<void>;
}

export interface RouteDef<S extends Settings = Settings> {
  /** Mounted at /api/<prefix> (root: at /<prefix>, outside the API's auth: it checks its own). */
  prefix: string;
  root?: boolean;
  make(rt: Runtime<S>): Hono;
  /** Its endpoints and body schemas for /api/openapi.json. */
  docs?: ApiDoc;
  /**
   * Mounted here instead of /api/<prefix>: a seed tool's own URLs (drop-in
   * compatibility), behind the same auth and body limit as /api.
   */
  at?: string;
}

type Factory<T, S extends Settings = Settings> = (rt: Runtime<S>) => T | Promise<T>;

type Rows = Readonly<Record<string, SettingRow<unknown>>>;

/**
 * The host as a feature sees it once it declared its settings rows: every
 * callback gets a runtime whose settings type holds the core's and those rows.
 */
export interface FeatureHost<in out S extends Settings> {
  kind<T extends Spec>(k: Kind<T>): Kind<T>;
  template(name: string, text: string): void;
  render(ext: RenderExtension): void;
  verify(make: (rt: Runtime<S>) => Verifier): void;
  route(def: RouteDef<S>): void;
  command(...cmds: Command[]): void;
  job(def: JobDef<S>): void;
  health(section: HealthSection<S>): void;
  status(name: string, fn: (rt: Runtime<S>) => Promise<unknown>): void;
  /** Sees every answered /api request (metrics). */
  observeRequests(make: (rt: Runtime<S>) => (info: RequestInfo) => void): void;
  rebuildSource(src: RebuildSource<S>): void;
  provide<T>(key: ServiceKey<T>, make: Factory<T, S>): void;
  init(fn: (rt: Runtime<S>) => Promise<void> | void): void;
  start(fn: (rt: Runtime<S>) => Promise<() => Promise<void>>): void;
  /** Another feature's rows this one reads (that feature must be set up first). */
  uses<R extends Rows>(rows: R): FeatureHost<S & SettingsOf<R>>;
}

export class Host {
  readonly kinds = new KindRegistry();
  readonly settingRows: SettingDef[] = [];
  readonly templates: Record<string, string> = {};
  readonly extensions: RenderExtension[] = [];
  readonly verifiers: ((rt: Runtime) => Verifier)[] = [];
  readonly routes: RouteDef[] = [];
  readonly commands: Command[] = [];
  readonly jobs: JobDef[] = [];
  readonly healthSections: HealthSection[] = [];
  readonly statusSections: [string, (rt: Runtime) => Promise<unknown>][] = [];
  readonly rebuildSources: RebuildSource[] = [];
  readonly requestObservers: ((rt: Runtime) => (info: RequestInfo) => void)[] = [];
  readonly services = new Map<string, Factory<unknown>>();
  readonly inits: ((rt: Runtime) => Promise<void> | void)[] = [];
  readonly starts: ((rt: Runtime) => Promise<() => Promise<void>>)[] = [];
  readonly features: string[] = [];

  kind<T extends Spec>(k: Kind<T>): Kind<T> {
    return this.kinds.add(k);
  }

  /**
   * A feature's rows (`defineSettings({...})`): loaded, validated, shown and
   * documented. The answer is this host typed with those settings: the loader
   * fills every registered row, so the runtime its callbacks get holds them.
   */
  settings<R extends Rows>(rows: R): FeatureHost<Settings & SettingsOf<R>> {
    for (const r of settingDefs(rows)) {
      if (this.settingRows.some((x) => x.name === r.name)) {
        throw new Error(`setting ${r.name} is declared twice`);
      }
      this.settingRows.push(r);
    }
    return this as unknown as FeatureHost<Settings & SettingsOf<R>>;
  }

  uses<R extends Rows>(rows: R): FeatureHost<Settings & SettingsOf<R>> {
    const missing = settingDefs(rows).filter((r) =>
      !this.settingRows.some((x) => x.name === r.name)
    );
    if (missing.length) {
      throw new Error(
        `feature ${this.features.at(-1)} needs the feature declaring ${
          missing[0].name
        }: list it first`,
      );
    }
    return this as unknown as FeatureHost<Settings & SettingsOf<R>>;
  }

  template(name: string, text: string): void {
    if (name in this.templates) throw new Error(`template ${name} is registered twice`);
    this.templates[name] = text;
  }

  render(ext: RenderExtension): void {
    this.extensions.push(ext);
  }

  verify(make: (rt: Runtime) => Verifier): void {
    this.verifiers.push(make);
  }

  route(def: RouteDef): void {
    if (this.routes.some((r) => r.prefix === def.prefix && !r.root === !def.root)) {
      throw new Error(`route ${def.root ? "" : "/api"}/${def.prefix} is registered twice`);
    }
    this.routes.push(def);
  }

  command(...cmds: Command[]): void {
    for (const c of cmds) {
      if (this.commands.some((x) => x.name === c.name)) {
        throw new Error(`command ${c.name} is registered twice`);
      }
      this.commands.push(c);
    }
  }

  job(def: JobDef): void {
    if (this.jobs.some((j) => j.name === def.name)) {
      throw new Error(`job ${def.name} is registered twice`);
    }
    this.jobs.push(def);
  }

  health(section: HealthSection): void {
    this.healthSections.push(section);
  }

  /** A section of GET /api/config/status (and `agent status`). */
  status(name: string, fn: (rt: Runtime) => Promise<unknown>): void {
    this.statusSections.push([name, fn]);
  }

  observeRequests(make: (rt: Runtime) => (info: RequestInfo) => void): void {
    this.requestObservers.push(make);
  }

  rebuildSource(src: RebuildSource): void {
    this.rebuildSources.push(src);
  }

  /** A typed service other code reaches with `rt.use(key)`; made once per agent. */
  provide<T>(key: ServiceKey<T>, make: Factory<T>): void {
    if (this.services.has(key.id)) throw new Error(`service ${key.id} is provided twice`);
    this.services.set(key.id, make as Factory<unknown>);
  }

  /** Runs once the runtime exists (serve and the CLI's in-process mode). */
  init(fn: (rt: Runtime) => Promise<void> | void): void {
    this.inits.push(fn);
  }

  /** Runs under `agent serve` only; returns how to stop. */
  start(fn: (rt: Runtime) => Promise<() => Promise<void>>): void {
    this.starts.push(fn);
  }

  kindList(): AnyKind[] {
    return this.kinds.list();
  }
}

/** The host of an agent built from `features`, after the core's own setup. */
export function hostFor(features: readonly Feature[], core: Feature): Host {
  const host = new Host();
  for (const f of [core, ...features]) {
    if (host.features.includes(f.name)) throw new Error(`feature ${f.name} is listed twice`);
    host.features.push(f.name);
    f.setup(host);
  }
  return host;
}
