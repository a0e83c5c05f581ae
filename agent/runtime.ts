// Builds the running agent from settings: state, nginx control, reconciler.
// The server, the CLI's in-process mode and the tests all start here.
import { AgentError } from "./errors.ts";
import { type Exec, RealExec } from "./exec.ts";
import type { Settings } from "./settings.ts";
import { specOf, Store } from "./store/store.ts";
import { Generations } from "./nginx/generations.ts";
import { type NginxControl, RealNginx } from "./nginx/control.ts";
import { Reconciler, type Verifier } from "./nginx/reconciler.ts";
import { featuresFor, type RenderContext } from "./render/context.ts";
import { makeTemplates, readOverrides, type Templates } from "./render/templates.ts";
import type { RenderExtension } from "./render/tree.ts";
import { indexesFor } from "./changes/indexes.ts";
import type { ChangeContext } from "./changes/context.ts";
import { type PrivateNginxOptions, startPrivateNginx, stopPrivateNginx } from "./nginx/private.ts";
import { kvFileProblem, moveAside } from "./store/integrity.ts";

export interface Runtime extends ChangeContext {
  settings: Settings;
  store: Store;
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
  privateNginx: PrivateNginxOptions | null;
  close(): Promise<void>;
  /** Hooks later features use to join the pipeline. */
  extensions: RenderExtension[];
  verifiers: Verifier[];
  /** Files of a managed certificate; the ACME feature sets this. */
  certFiles?: RenderContext["certFiles"];
}

export interface RuntimeOptions {
  exec?: Exec;
  log?: (msg: string) => void;
  /** Start (and later stop) a private nginx: dev mode. */
  privateNginx?: boolean;
  extensions?: RenderExtension[];
  verifiers?: Verifier[];
}

export async function nginxInstalled(bin: string, exec: Exec): Promise<boolean> {
  const r = await exec.run([bin, "-v"], { timeoutMs: 5000 });
  return r.code === 0;
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
export async function openStore(dataDir: string, warnings?: string[]): Promise<Store> {
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
  try {
    return await Store.open(path);
  } catch (e) {
    throw new AgentError(
      "INTERNAL",
      `cannot open the state file ${path}: ${(e as Error).message}. ` +
        `If it is corrupted, move it aside and run \`agent rebuild-db\` to rebuild it from the nginx files.`,
      { path },
    );
  }
}

export async function createRuntime(
  settings: Settings,
  opts: RuntimeOptions = {},
): Promise<Runtime> {
  const log = opts.log ?? ((m: string) => console.error(`[agent] ${m}`));
  const warnings: string[] = [];
  const probeExec = new RealExec();
  const haveNginx = await nginxInstalled(settings.nginx_bin, probeExec);
  if (!haveNginx) {
    warnings.push(`nginx (${settings.nginx_bin}) is not installed: nginx commands run in dry-run`);
  }
  const exec = opts.exec ?? new RealExec({ dryRun: !haveNginx, log });
  await Deno.mkdir(settings.data_dir, { recursive: true });
  await Deno.mkdir(settings.acme_webroot, { recursive: true });
  const store = await openStore(settings.data_dir, warnings);
  const generations = new Generations(settings.nginx_dir);
  const nginx = new RealNginx(settings, exec);
  const nginxVersion = await nginx.version();
  const templates = makeTemplates(await readOverrides(settings.template_dir));
  if (templates.overridden.length) {
    warnings.push(`template overrides in use: ${templates.overridden.join(", ")}`);
  }
  const features = featuresFor(nginxVersion);
  const extensions = [...(opts.extensions ?? [])];
  const verifiers = [...(opts.verifiers ?? [])];
  const renderContext = (): RenderContext => ({
    http_port: settings.http_port,
    https_port: settings.https_port,
    bind_address: settings.bind_address,
    acme_webroot: settings.acme_webroot,
    features,
    templates,
    certFiles: rt.certFiles,
  });
  // deno-lint-ignore prefer-const
  let rt: Runtime;
  const reconciler = new Reconciler({
    store,
    generations,
    nginx,
    settings,
    renderContext,
    extensions,
    verifiers,
    log,
    restore: async (id, applied, reason) => {
      const kind = id.slice(0, id.indexOf("/"));
      const name = id.slice(id.indexOf("/") + 1);
      await store.write(() => ({
        ops: [
          applied
            ? {
              type: "put",
              kind,
              name,
              spec: specOf(applied),
              managedBy: applied.managed_by,
              indexes: indexesFor(kind, applied, settings).map((key) => ({ key })),
            }
            : { type: "delete", kind, name },
        ],
        actor: "reconciler",
        action: `${kind}.revert`,
        outcome: "reverted",
        message: reason.message,
      }));
    },
  });
  let privateNginx: PrivateNginxOptions | null = null;
  if (opts.privateNginx && haveNginx) {
    privateNginx = {
      nginx_bin: settings.nginx_bin,
      prefix: settings.nginx_prefix,
      nginx_conf: settings.nginx_conf,
      nginx_dir: settings.nginx_dir,
      nginx_pid_file: settings.nginx_pid_file,
      http_port: settings.http_port,
      bind_address: settings.bind_address,
    };
    await startPrivateNginx(privateNginx, exec);
  }
  warnings.push(...(await reconciler.recover()));
  const apiKey = await resolveApiKey(settings, true);
  rt = {
    settings,
    store,
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
    privateNginx,
    extensions,
    verifiers,
    async close() {
      if (privateNginx) await stopPrivateNginx(privateNginx, exec);
      store.close();
    },
  };
  return rt;
}
