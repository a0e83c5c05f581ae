// Project changes. Activation goes hop by hop and undoes what it did when a hop
// fails, so a project is either fully active or left as it was:
//   1. validate; the port must be free (no other project claims it, no foreign
//      process listens on it) and the route must not collide with a site route
//   2. scaffold web.py when the project runs the default command and has none
//   3. start the service (systemd unit or the builtin supervisor)
//   4. internal hop: GET http://127.0.0.1:<port><health_path> answers 2xx
//   5. write the record (its port claimed) and apply: nginx -t, swap, reload
//   6. external hop, checked by the projects verifier right after the reload:
//      a failure makes the reconciler roll the route back in the same apply
// Deactivation removes the route first (no 502 window), then stops the
// service. The project directory is never deleted.
import { AgentError, notFound } from "../errors.ts";
import {
  parseProject,
  PROJECT_KIND,
  projectClaims,
  projectDir,
  type ProjectSpec,
} from "../model/project.ts";
import type { SiteSpec } from "../model/site.ts";
import {
  jsonEqual,
  type PutOp,
  type Rec,
  specOf,
  type WriteOp,
  type WriteResult,
} from "../store/store.ts";
import type { Runtime } from "../runtime.ts";
import { type ApplyOutcome, sameRecord } from "../nginx/reconciler.ts";
import type { ServiceSpec, ServiceStatus } from "../services/manager.ts";
import { scaffoldIfMissing } from "../services/scaffold.ts";
import type { ChangeOptions } from "./context.ts";
import { assertNotManaged, submitChange } from "./apply.ts";
import { registerIndexer } from "./indexes.ts";
import { managerOf, projectsOf, type ProjectsState, withProjectLock } from "../projects/state.ts";
import { externalBase, renderConfigOf, SETTINGS_KIND, SETTINGS_NAME } from "../projects/config.ts";
import { describeHolders, portUse } from "../projects/ports.ts";
import { checkClient, type HopResult, probe, waitHealthy } from "../projects/health.ts";
import { linkSnippet, liveSnippetPath, loadLink } from "../projects/snippet-link.ts";
import { syncRegistry } from "../projects/registry-sync.ts";

registerIndexer(PROJECT_KIND, (rec) => projectClaims(rec as unknown as ProjectSpec));

export interface ProjectResult {
  record: Rec | null;
  created: boolean;
  changed: boolean;
  apply: ApplyOutcome | null;
  service: ServiceStatus | null;
  checks: { internal?: HopResult; external?: HopResult | { skipped: string } };
  /** web.py written by this activation. */
  scaffolded: string | null;
  directory: string;
  warnings: string[];
}

export function serviceSpec(p: ProjectSpec): ServiceSpec {
  return { name: p.name, dir: projectDir(p), command: p.command, port: p.port };
}

export function healthUrl(p: Pick<ProjectSpec, "port" | "health_path">): string {
  return `http://127.0.0.1:${p.port}${p.health_path}`;
}

export function externalUrl(rt: Runtime, p: Pick<ProjectSpec, "name" | "health_path">): string {
  return `${externalBase(rt.settings)}/${p.name}${p.health_path}`;
}

/** The projects/settings record op, when the settings changed what it holds. */
async function settingsOp(rt: Runtime): Promise<PutOp | null> {
  const want = renderConfigOf(rt.settings) as unknown as Record<string, unknown>;
  const cur = await rt.store.get(SETTINGS_KIND, SETTINGS_NAME);
  if (cur) {
    const { name: _n, ...have } = specOf(cur);
    if (jsonEqual(have, want)) return null;
  }
  return { type: "put", kind: SETTINGS_KIND, name: SETTINGS_NAME, spec: want };
}

function projectOp(p: ProjectSpec, ifMatch?: number): PutOp {
  const { name: _n, ...spec } = p;
  return {
    type: "put",
    kind: PROJECT_KIND,
    name: p.name,
    spec: spec as unknown as Record<string, unknown>,
    ifMatch,
    indexes: projectClaims(p).map((key) => ({ key })),
  };
}

const sameProject = (a: ProjectSpec, b: ProjectSpec) => {
  const { name: _a, ...x } = a;
  const { name: _b, ...y } = b;
  return jsonEqual(x, y);
};

export function putProject(
  rt: Runtime,
  name: string,
  body: unknown,
  o: ChangeOptions,
): Promise<ProjectResult> {
  const spec = parseProject(name, body, rt.settings.projects_root);
  const st = projectsOf(rt);
  return withProjectLock(
    st,
    name,
    () => spec.status === "active" ? activate(rt, st, spec, o) : deactivate(rt, st, name, o, spec),
  );
}

export function deleteProject(rt: Runtime, name: string, o: ChangeOptions): Promise<ProjectResult> {
  const st = projectsOf(rt);
  return withProjectLock(st, name, () => deactivate(rt, st, name, o, null));
}

async function current(rt: Runtime, name: string, o: ChangeOptions) {
  const cur = await rt.store.get(PROJECT_KIND, name);
  assertNotManaged(cur, PROJECT_KIND);
  // Checked before anything starts; the store checks it again when it writes.
  if (o.ifMatch !== undefined && (cur?.version ?? 0) !== o.ifMatch) {
    throw new AgentError(
      "PRECONDITION_FAILED",
      `project "${name}" is at version ${cur?.version ?? "(absent)"}, not ${o.ifMatch}`,
      { kind: PROJECT_KIND, name, version: cur?.version ?? null },
    );
  }
  return { cur, prev: cur ? (specOf(cur) as unknown as ProjectSpec) : null };
}

async function checkRouteFree(rt: Runtime, p: ProjectSpec): Promise<void> {
  const s = rt.settings;
  if (s.projects_mode !== "site") return; // the operator's own server block: nginx -t decides
  const site = await rt.store.get("site", s.projects_site) as unknown as SiteSpec | null;
  const clash = site?.routes.find((r) =>
    (r.match === "prefix" && r.path === `/${p.name}/`) ||
    (r.match === "exact" && r.path === `/${p.name}`)
  );
  if (clash) {
    throw new AgentError(
      "CONFLICT",
      `site "${s.projects_site}" already has route "${clash.name}" on ${clash.path}, the path of project "${p.name}"`,
      { field: "name", site: s.projects_site, route: clash.name, path: clash.path },
    );
  }
}

async function checkPortFree(
  rt: Runtime,
  st: ProjectsState,
  p: ProjectSpec,
  prev: ProjectSpec | null,
): Promise<void> {
  const owner = await rt.store.indexOwner(["project_port", String(p.port)]);
  if (owner && owner !== `${PROJECT_KIND}/${p.name}`) {
    const other = owner.slice(owner.indexOf("/") + 1);
    throw new AgentError("CONFLICT", `port ${p.port} is already used by project "${other}"`, {
      field: "port",
      port: p.port,
      holder: owner,
    });
  }
  const use = await portUse(p.port);
  if (!use.listening) return;
  // Our own service on the same port (re-activation, a changed command) may hold it.
  if (prev?.status === "active" && prev.port === p.port && use.holders.length > 0) {
    const m = managerOf(st, prev.manager ?? st.kind);
    const ours = await Promise.all(use.holders.map((h) => m.owns(p.name, h.pid)));
    if (ours.every(Boolean)) return;
  }
  throw new AgentError(
    "CONFLICT",
    `port ${p.port} is in use by ${describeHolders(use)}, not by project "${p.name}"'s service`,
    {
      field: "port",
      port: p.port,
      addresses: use.addresses,
      holders: use.holders.map((h) => ({ pid: h.pid, name: h.name, cmdline: h.cmdline })),
    },
  );
}

async function activate(
  rt: Runtime,
  st: ProjectsState,
  spec: ProjectSpec,
  o: ChangeOptions,
): Promise<ProjectResult> {
  const name = spec.name;
  const { cur, prev } = await current(rt, name, o);
  const kind = st.kind;
  if (prev?.status === "active" && prev.manager && prev.manager !== kind) {
    throw new AgentError(
      "CONFLICT",
      `project "${name}" runs under the ${prev.manager} service manager, and service_manager is now ${kind}: ` +
        `deactivate it first`,
      { field: "manager", manager: prev.manager },
    );
  }
  const manager = managerOf(st, kind);
  if (kind === "builtin" && !st.supervisor.running) {
    throw new AgentError(
      "CONFLICT",
      "the builtin service manager runs inside `agent serve`, and no agent is running: " +
        "start it (`agent serve`, or its systemd unit) and retry",
      { manager: kind },
    );
  }
  const next: ProjectSpec = { ...spec, manager: kind };
  await checkRouteFree(rt, next);
  await checkPortFree(rt, st, next, prev);

  const warnings: string[] = [];
  const dir = projectDir(next);
  // The directory always exists (WorkingDirectory and ReadWritePaths need it); never removed.
  await Deno.mkdir(dir, { recursive: true });
  const scaffolded = await scaffoldIfMissing(dir, name, next.command);
  const prevSvc = prev?.status === "active" ? serviceSpec(prev) : null;
  const undoService = async () => {
    try {
      if (prevSvc) await managerOf(st, prev!.manager ?? kind).start(prevSvc);
      else await manager.stop(name);
    } catch (e) {
      rt.log(`project ${name}: undoing the service change failed: ${(e as Error).message}`);
    }
  };
  const left = prev?.status === "active"
    ? `project "${name}" keeps running as before (port ${prev.port})`
    : `project "${name}" is left inactive (service stopped, no route)`;

  // Hop 1: the service, and the backend answering on loopback.
  try {
    await manager.start(serviceSpec(next));
  } catch (e) {
    await undoService();
    throw new AgentError(
      (e as AgentError).code ?? "INTERNAL",
      `activate ${name}: starting the service failed: ${(e as Error).message}; ${left}`,
      { hop: "service", ...((e as AgentError).detail ?? {}) },
    );
  }
  const internal = await waitHealthy(
    "internal",
    healthUrl(next),
    rt.settings.projects_check_timeout * 1000,
    {
      // A backend that died while starting will not answer: say so now.
      gone: async () => {
        const s = await manager.status(name);
        if (s.active) return null;
        const e = s.detail.last_exit as
          | { code: number | null; signal: string | null; error?: string }
          | null
          | undefined;
        const how = e
          ? ` (${e.error ?? (e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`)})`
          : "";
        return `the service is ${s.state}${how}`;
      },
    },
  );
  if (!internal.ok) {
    const diagnosis = await manager.diagnose(name).catch(() => "");
    await undoService();
    throw new AgentError(
      "UPSTREAM_UNHEALTHY",
      `activate ${name}: the internal hop failed: GET ${internal.url}: ${internal.error}; ${left}`,
      { hop: "internal", url: internal.url, status: internal.status, diagnosis },
    );
  }

  // Hop 2: the route through nginx (the verifier checks the external hop after the reload).
  const unchanged = prev !== null && sameProject(prev, next);
  let record: Rec | null = cur;
  let created = false;
  let changed = false;
  let apply: ApplyOutcome | null = null;
  let external: HopResult | { skipped: string } | undefined;
  let written: WriteResult[] = [];
  if (!unchanged || (await settingsOp(rt)) !== null) {
    const link = rt.settings.projects_mode === "snippet" ? await linkSnippet(rt.settings) : null;
    st.external.delete(name);
    st.verify.add(name);
    try {
      const results = await rt.store.write(async () => {
        const ops: WriteOp[] = [projectOp(next, o.ifMatch)];
        const s = await settingsOp(rt);
        if (s) ops.push(s);
        return { ops, actor: o.actor, action: cur ? "project.put" : "project.activate" };
      });
      written = results;
      const r = await submitChange(rt, results);
      ({ record, created, changed, apply } = r);
    } catch (e) {
      await undoService();
      await revertWrites(rt, written, (e as Error).message);
      if (link?.changed && !(await exists(liveSnippetPath(rt.settings.nginx_dir)))) {
        await link.undo();
      }
      const err = e as AgentError;
      const ext = st.external.get(name);
      if (err.code === "UPSTREAM_UNHEALTHY" && ext && !ext.ok) {
        throw new AgentError(
          "UPSTREAM_UNHEALTHY",
          `activate ${name}: the external hop failed: GET ${ext.url}: ${ext.error}` +
            ` (the backend answers on 127.0.0.1:${next.port}); the route was rolled back and ${left}`,
          { hop: "external", url: ext.url, status: ext.status, body: ext.body, internal },
        );
      }
      if (err instanceof AgentError) {
        throw new AgentError(err.code, `activate ${name}: ${err.message}; ${left}`, {
          hop: "nginx",
          ...err.detail,
        });
      }
      throw e;
    } finally {
      st.verify.delete(name);
    }
    if (link?.changed) {
      // A reload that carried the change read the new link; otherwise load it now.
      warnings.push(
        apply?.reloaded
          ? `${rt.settings.projects_snippet_file} now links to ${
            liveSnippetPath(rt.settings.nginx_dir)
          }${link.backup ? ` (the previous file is kept as ${link.backup})` : ""}`
          : await loadLink(rt, link),
      );
    }
    external = st.external.get(name);
  }
  if (unchanged && rt.settings.projects_mode === "snippet" && apply === null) {
    // Nothing to apply, but the operator's file may have lost its link (see check).
    const link = await linkSnippet(rt.settings);
    if (link.changed) warnings.push(await loadLink(rt, link));
  }
  if (!external) {
    if (apply?.status === "pending") {
      external = { skipped: "apply_mode is manual: the route is pending until `agent apply`" };
      warnings.push(
        "the route is pending (apply_mode manual): run `agent apply`, then `agent check`",
      );
    } else if (apply?.status === "dry_run" || rt.nginx.dryRun) {
      external = { skipped: "nginx is not installed (dry-run)" };
    } else {
      // Nothing was reloaded (the route was already served): check it now.
      const client = await checkClient(rt.settings.projects_check_ca_file);
      try {
        external = await probe("external", externalUrl(rt, next), { client });
      } finally {
        client?.close();
      }
      if (!external.ok) {
        warnings.push(`the external hop fails: GET ${external.url}: ${external.error}`);
      }
    }
  }
  const reg = await syncRegistry(rt);
  if (reg) warnings.push(reg);
  return {
    record,
    created,
    changed,
    apply,
    service: await manager.status(name),
    checks: { internal, external },
    scaffolded,
    directory: dir,
    warnings,
  };
}

/**
 * After a failed apply the reconciler has put a refused record back; when the
 * apply failed as a whole (nginx -t fails without the change too, the state is
 * on hold) the records are still what this activation wrote: put them back.
 */
async function revertWrites(rt: Runtime, written: WriteResult[], why: string): Promise<void> {
  try {
    await rt.store.write(async () => {
      const ops: WriteOp[] = [];
      for (const w of written) {
        if (!w.changed || !w.after) continue;
        const now = await rt.store.get(w.kind, w.name);
        if (!now || now.version !== w.after.version) continue; // already put back
        // Applied by the same round (the settings record next to a refused project): keep.
        if (sameRecord(rt.reconciler.applied.get(`${w.kind}/${w.name}`), now)) continue;
        ops.push(
          w.before
            ? {
              type: "put",
              kind: w.kind,
              name: w.name,
              spec: specOf(w.before),
              ifMatch: now.version,
              indexes:
                (w.kind === PROJECT_KIND ? projectClaims(w.before as unknown as ProjectSpec) : [])
                  .map((key) => ({ key })),
            }
            : { type: "delete", kind: w.kind, name: w.name, ifMatch: now.version },
        );
      }
      return {
        ops,
        actor: "reconciler",
        action: "project.revert",
        outcome: "reverted",
        message: why,
      };
    });
  } catch (e) {
    rt.log(`projects: could not put records back after a failed apply: ${(e as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function deactivate(
  rt: Runtime,
  st: ProjectsState,
  name: string,
  o: ChangeOptions,
  spec: ProjectSpec | null,
): Promise<ProjectResult> {
  const forget = spec === null;
  const { cur, prev } = await current(rt, name, o);
  if (!cur && forget) throw notFound(PROJECT_KIND, name);
  const manager = managerOf(st, prev?.manager ?? st.kind);
  const base = spec ?? prev!;
  const next: ProjectSpec = {
    ...base,
    status: "inactive",
    ...(prev?.manager ? { manager: prev.manager } : {}),
  };
  const results = await rt.store.write(async () => {
    const ops: WriteOp[] = forget
      ? [{ type: "delete", kind: PROJECT_KIND, name, ifMatch: o.ifMatch }]
      : [projectOp(next, o.ifMatch)];
    const s = await settingsOp(rt);
    if (s && (await rt.store.list(PROJECT_KIND)).length > 0) ops.push(s);
    return {
      ops,
      actor: o.actor,
      action: forget ? "project.delete" : cur ? "project.deactivate" : "project.put",
    };
  });
  const r = await submitChange(rt, results);
  const warnings: string[] = [];
  try {
    await manager.stop(name);
  } catch (e) {
    throw new AgentError(
      (e as AgentError).code ?? "INTERNAL",
      `deactivate ${name}: the route is removed, but stopping the service failed: ${
        (e as Error).message
      }; ` +
        "run deactivate again",
      { hop: "service", apply: r.apply },
    );
  }
  const reg = await syncRegistry(rt);
  if (reg) warnings.push(reg);
  return {
    record: r.record,
    created: r.created,
    changed: r.changed,
    apply: r.apply,
    service: await manager.status(name),
    checks: {},
    scaffolded: null,
    directory: projectDir(next),
    warnings,
  };
}
