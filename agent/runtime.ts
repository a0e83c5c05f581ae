// Builds the running agent from settings: state, nginx control, reconciler.
// The server, the CLI's in-process mode and the tests all start here.
import { AgentError } from "./errors.ts";
import { type Exec, RealExec } from "./exec.ts";
import { CORE_ROWS, type SettingDef, type Settings, settingValue } from "./settings.ts";
import { putBackOp, type Rec, Store } from "./store/store.ts";
import { ListSnapshots } from "./store/snapshots.ts";
import { cachedKind } from "./store/desired-cache.ts";
import { Generations } from "./nginx/generations.ts";
import { type NginxControl, RealNginx } from "./nginx/control.ts";
import { Reconciler, type Verifier } from "./nginx/reconciler.ts";
import { crashAtEnv } from "./nginx/deps.ts";
import { featuresFor, type RenderContext } from "./render/context.ts";
import { makeTemplates, readOverrides, type Templates } from "./render/templates.ts";
import { RenderMemo } from "./render/memo.ts";
import type { RenderExtension } from "./render/files.ts";
import type { ChangeContext } from "./changes/context.ts";
import { type ClaimContext, KindRegistry } from "./kind.ts";
import { CORE_KINDS } from "./kinds/core.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { type PrivateNginxOptions, startPrivateNginx, stopPrivateNginx } from "./nginx/private.ts";
import { installedModules, modulesDir, resolveLuaMode } from "./nginx/lua-module.ts";
import { PeerSync } from "./nginx/peers.ts";
import { kvFileProblem, moveAside, ownerOnly, unreadableValue } from "./store/integrity.ts";

/**
 * Records a feature finds on disk outside the generation's sidecars (e.g.
 * certificates from certbot's files), for rebuild-db (`host.rebuildSource`).
 */
export interface RebuildSource<S extends Settings = Settings> {
  name: string;
  collect(rt: Runtime<S>, found: Map<string, Rec>): Promise<{
    records: { kind: string; record: Rec }[];
    unreadable: { file: string; reason: string }[];
  }>;
}

/** How bootstrap builds a runtime (the CLI passes these too). */
export interface BuildOptions {
  privateNginx?: boolean;
  exec?: Exec;
  log?: (m: string) => void;
}

/** A typed service a feature provides (`host.provide`) and others reach with `rt.use`. */
export interface ServiceKey<T> {
  readonly id: string;
  /** Carries T only for the type checker. */
  readonly _type?: T;
}

export function serviceKey<T>(id: string): ServiceKey<T> {
  return { id };
}

/** Files of a managed certificate by name, or null while it is not issued (the certs feature). */
export const CERT_FILES = serviceKey<(name: string) => { certificate: string; key: string } | null>(
  "cert-files",
);

export interface Runtime<S extends Settings = Settings> extends ChangeContext {
  /** The core's settings, and those of the feature whose runtime type names them. */
  settings: S;
  store: Store;
  /** The store's lists, reused until its next write (list pages, counts). */
  lists: ListSnapshots<Rec>;
  generations: Generations;
  nginx: NginxControl;
  reconciler: Reconciler;
  exec: Exec;
  templates: Templates;
  nginxVersion: string | null;
  renderContext(): RenderContext;
  startedAt: Date;
  apiKey: string;
  warnings: string[];
  log: (msg: string) => void;
  /** Debug lines (secrets masked), set at log_level debug only. */
  debug?: (msg: string) => void;
  privateNginx: PrivateNginxOptions | null;
  close(): Promise<void>;
  /** The kinds this agent stores, renders and parses back. */
  kinds: KindRegistry;
  extensions: RenderExtension[];
  verifiers: Verifier[];
  /** The agent's one scheduler: every feature's jobs (started by `agent serve`). */
  scheduler: Scheduler;
  /** Where rebuild-db finds records besides the generation's sidecars. */
  rebuildSources: RebuildSource[];
  /** A service a feature provided; throws when no feature of this agent provides it. */
  use<T>(key: ServiceKey<T>): T;
  /** The same, or undefined when no feature provides it. */
  tryUse<T>(key: ServiceKey<T>): T | undefined;
  /** Installs a provided service (the bootstrap does this once per service). */
  setService<T>(key: ServiceKey<T>, value: T): void;
}

export interface RuntimeOptions {
  exec?: Exec;
  log?: (msg: string) => void;
  /** Start (and later stop) a private nginx: dev mode. */
  privateNginx?: boolean;
  kinds?: KindRegistry;
  extensions?: RenderExtension[];
  /** Embedded templates besides the core's (features' units, snippets). */
  templates?: Record<string, string>;
  rebuildSources?: RebuildSource[];
  /** Every settings row of the agent (secrets among them are masked in logs). */
  settingRows?: readonly SettingDef[];
}

/** A registry of the core kinds only (tools and tests that build no features). */
export function coreKinds(): KindRegistry {
  const r = new KindRegistry();
  for (const k of CORE_KINDS) r.add(k);
  return r;
}

/** The API key from settings, else the one generated into the data directory at first start. */
export async function resolveApiKey(settings: Settings, create: boolean): Promise<string> {
  if (settings.api_key) return settings.api_key;
  const file = `${settings.data_dir}/api-key`;
  try {
    return (await Deno.readTextFile(file)).trim();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || !create) throw e;
  }
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(24)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  await Deno.writeTextFile(file, key + "\n", { mode: 0o600 });
  return key;
}

/**
 * Opens the state file. A damaged file is an error, unless `warnings` is given:
 * then it is moved aside, the agent starts on an empty state and says so.
 */
export async function openStore(
  dataDir: string,
  warnings?: string[],
  opts: { kinds?: KindRegistry; claimContext?: ClaimContext } = {},
): Promise<Store> {
  await Deno.mkdir(dataDir, { recursive: true });
  const path = `${dataDir}/agent.kv`;
  const exists = await Deno.stat(path).then(() => true, () => false);
  const problem = exists ? kvFileProblem(path) : null;
  if (problem && !warnings) {
    throw new AgentError(
      "INTERNAL",
      `the state file ${path} is corrupted (${problem}). ` +
        `Move it aside and run \`agent rebuild-db\` to rebuild the state from the nginx files.`,
      { path },
    );
  }
  if (problem) {
    const aside = await moveAside(path);
    warnings!.push(
      `the state file was corrupted (${problem}): it was moved to ${aside} and the agent started ` +
        `with an empty state; run \`agent rebuild-db\` to rebuild it from the nginx files, ` +
        `or \`agent restore BACKUP\``,
    );
  }
  let store: Store;
  try {
    store = await Store.open(path, opts);
  } catch (e) {
    throw new AgentError(
      "INTERNAL",
      `cannot open the state file ${path}: ${(e as Error).message}. ` +
        `If it is corrupted, move it aside and run \`agent rebuild-db\` to rebuild it from the nginx files.`,
      { path },
    );
  }
  await ownerOnly(path);
  const unreadable = await unreadableValue(store.kv);
  if (!unreadable) return store;
  store.close();
  if (!warnings) {
    throw new AgentError(
      "INTERNAL",
      `the state file ${path} is corrupted (${unreadable}). ` +
        `Move it aside and run \`agent rebuild-db\` to rebuild the state from the nginx files.`,
      { path },
    );
  }
  const aside = await moveAside(path);
  warnings.push(
    `the state file was corrupted (${unreadable}): it was moved to ${aside} and the agent started ` +
      `with an empty state; run \`agent rebuild-db\` to rebuild it from the nginx files, ` +
      `or \`agent restore BACKUP\``,
  );
  const fresh = await Store.open(path, opts);
  await ownerOnly(path);
  return fresh;
}

/** The line with every value of a setting marked secret replaced by ***. */
export function maskSecrets(
  settings: Settings,
  line: string,
  rows: readonly SettingDef[] = CORE_ROWS,
): string {
  const values = rows.filter((d) => d.secret).map((d) => settingValue(settings, d.name))
    .filter((v): v is string => typeof v === "string" && v !== "")
    .sort((a, b) => b.length - a.length);
  for (const v of values) line = line.replaceAll(v, "***");
  return line;
}

/** A file a rendered site depends on is gone (not merely unreadable: that nginx reports). */
function fileMissing(path: string): boolean {
  try {
    Deno.statSync(path);
    return false;
  } catch (e) {
    return e instanceof Deno.errors.NotFound;
  }
}

export async function createRuntime(
  settings: Settings,
  opts: RuntimeOptions = {},
): Promise<Runtime> {
  const log = opts.log ?? ((m: string) => console.error(`[agent] ${m}`));
  // log carries info lines (serve drops them below info); debug lines exist at debug only.
  const rows = opts.settingRows ?? CORE_ROWS;
  const debug = settings.log_level === "debug"
    ? (m: string) => log(`debug: ${maskSecrets(settings, m, rows)}`)
    : undefined;
  const warnings: string[] = [];
  const probeExec = new RealExec({ debug });
  const haveNginx =
    (await probeExec.run([settings.nginx_bin, "-v"], { timeoutMs: 5000 })).code === 0;
  if (!haveNginx) {
    warnings.push(`nginx (${settings.nginx_bin}) is not installed: nginx commands run in dry-run`);
  }
  const exec = opts.exec ??
    new RealExec({ dryRun: !haveNginx, log: (m) => log(maskSecrets(settings, m, rows)), debug });
  await Deno.mkdir(settings.data_dir, { recursive: true });
  await Deno.mkdir(settings.acme_webroot, { recursive: true });
  const kinds = opts.kinds ?? coreKinds();
  const store = await openStore(settings.data_dir, warnings, { kinds, claimContext: settings });
  const generations = new Generations(settings.nginx_dir);
  const nginx = new RealNginx(settings, exec);
  const nginxVersion = await nginx.version();
  const embedded = opts.templates ?? {};
  const templates = makeTemplates(await readOverrides(settings.template_dir, embedded), embedded);
  if (templates.overridden.length) {
    warnings.push(`template overrides in use: ${templates.overridden.join(", ")}`);
  }
  let privateNginx: PrivateNginxOptions | null = null;
  if (opts.privateNginx && haveNginx) {
    const lua = settings.lua_upstreams !== "off"
      ? await installedModules(await modulesDir(settings.nginx_bin, probeExec))
      : null;
    privateNginx = {
      nginx_bin: settings.nginx_bin,
      prefix: settings.nginx_prefix,
      nginx_conf: settings.nginx_conf,
      nginx_dir: settings.nginx_dir,
      nginx_pid_file: settings.nginx_pid_file,
      http_port: settings.http_port,
      bind_address: settings.bind_address,
      ...(lua ? { modules: lua } : {}),
    };
    await startPrivateNginx(privateNginx, exec);
  }
  const lua = await resolveLuaMode({
    setting: settings.lua_upstreams,
    dryRun: !haveNginx,
    nginx_bin: settings.nginx_bin,
    nginx_conf: settings.nginx_conf,
    nginx_dir: settings.nginx_dir,
    exec: probeExec,
  }).catch(async (e) => {
    if (privateNginx) await stopPrivateNginx(privateNginx, exec);
    store.close();
    throw e;
  });
  if (settings.lua_upstreams === "auto" && !lua.active) {
    warnings.push(`lua_upstreams is auto but off: ${lua.reason}`);
  }
  const luaRender = lua.active
    ? { port: settings.lua_upstreams_port, seed_file: `${settings.data_dir}/lua-peers.txt` }
    : undefined;
  const features = featuresFor(nginxVersion);
  const extensions = [...(opts.extensions ?? [])];
  const verifiers: Verifier[] = [];
  const services = new Map<string, unknown>();
  const renderContext = (): RenderContext => ({
    http_port: settings.http_port,
    https_port: settings.https_port,
    bind_address: settings.bind_address,
    acme_webroot: settings.acme_webroot,
    data_dir: settings.data_dir,
    unknown_host_response: settings.unknown_host_response,
    fileMissing,
    features,
    templates,
    certFiles: rt.tryUse(CERT_FILES),
    tls: {
      profile: settings.tls_profile,
      hsts: settings.hsts,
      hsts_max_age: settings.hsts_max_age,
    },
    ...(luaRender ? { lua_upstreams: luaRender } : {}),
    share_upstreams: settings.share_upstreams,
  });
  // deno-lint-ignore prefer-const
  let rt: Runtime;
  const reconciler = new Reconciler({
    store,
    generations,
    nginx,
    settings,
    renderContext,
    renders: new RenderMemo(),
    extensions,
    kinds: kinds.list(),
    verifiers,
    log,
    crashPoint: crashAtEnv,
    lua,
    peers: luaRender
      ? new PeerSync({
        mode: lua,
        port: luaRender.port,
        seedFile: luaRender.seed_file,
        renderContext: () => renderContext(),
        extensions,
        kinds: kinds.list(),
        currentDir: generations.currentLink,
        running: async () => (await nginx.masterPid()) !== null,
      })
      : undefined,
    restore: async (id, applied, reason) => {
      const [kind, name] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
      // Fleet: another node's record is not put back (the refusal is this node's status only).
      if (store.shared && !(await store.wroteLast(kind, name))) return log(`kept ${id}`);
      await store.write(() => ({
        ops: [putBackOp(kind, name, applied)],
        actor: "reconciler",
        action: `${kind}.revert`,
        outcome: "reverted",
        message: reason.message,
      }));
    },
  });
  warnings.push(...(await reconciler.recover()));
  // Reload-free upstreams: nginx's memory set from what it serves, whatever it held before.
  await reconciler.deps.peers?.settle(reconciler.applied, true).catch((e) =>
    warnings.push(e.message)
  );
  const apiKey = await resolveApiKey(settings, true);
  rt = {
    settings,
    store,
    lists: new ListSnapshots<Rec>(store, (kind) => cachedKind(store, kind)),
    generations,
    nginx,
    reconciler,
    exec,
    templates,
    nginxVersion,
    renderContext,
    startedAt: new Date(),
    apiKey,
    warnings,
    log,
    debug,
    privateNginx,
    kinds,
    extensions,
    verifiers,
    scheduler: new Scheduler(log),
    rebuildSources: [...(opts.rebuildSources ?? [])],
    use<T>(key: ServiceKey<T>): T {
      if (!services.has(key.id)) {
        throw new AgentError("INTERNAL", `no feature of this agent provides ${key.id}`);
      }
      return services.get(key.id) as T;
    },
    tryUse<T>(key: ServiceKey<T>): T | undefined {
      return services.get(key.id) as T | undefined;
    },
    setService<T>(key: ServiceKey<T>, value: T) {
      services.set(key.id, value);
    },
    async close() {
      await rt.scheduler.stop();
      await generations.live.settled(); // a spare's catch-up writes into the tree
      if (privateNginx) await stopPrivateNginx(privateNginx, exec);
      store.close();
    },
  };
  return rt;
}
