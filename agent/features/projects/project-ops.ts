// What project changes share: the result shape, the ops they write, the checks
// before anything starts, and putting written records back after a failure.
import { AgentError } from "../../errors.ts";
import { PROJECT_KIND, projectDir, type ProjectSpec } from "./model.ts";
import {
  jsonEqual,
  putBackOp,
  type PutOp,
  type Rec,
  specOf,
  type WriteOp,
  type WriteResult,
} from "../../store/store.ts";
import { type ApplyOutcome, sameRecord } from "../../nginx/reconciler.ts";
import type { ServiceSpec, ServiceStatus } from "./services/manager.ts";
import type { ChangeOptions } from "../../changes/context.ts";
import { assertNotManaged } from "../../changes/apply.ts";
import { managerOf, type ProjectsState } from "./state.ts";
import { externalBase, renderConfigOf, SETTINGS_KIND, SETTINGS_NAME } from "./config.ts";
import { describeHolders, portUse } from "./ports.ts";
import type { HopResult } from "./health.ts";
import type { ProjectsRuntime } from "./settings.ts";
import { siteKind } from "../../kinds/site/kind.ts";

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

export function externalUrl(
  rt: ProjectsRuntime,
  p: Pick<ProjectSpec, "name" | "health_path">,
): string {
  return `${externalBase(rt.settings)}/${p.name}${p.health_path}`;
}

/** The projects/settings record op, when the settings changed what it holds. */
export async function settingsOp(rt: ProjectsRuntime): Promise<PutOp | null> {
  const want = renderConfigOf(rt.settings) as unknown as Record<string, unknown>;
  const cur = await rt.store.get(SETTINGS_KIND, SETTINGS_NAME);
  if (cur) {
    const { name: _n, ...have } = specOf(cur);
    if (jsonEqual(have, want)) return null;
  }
  return { type: "put", kind: SETTINGS_KIND, name: SETTINGS_NAME, spec: want };
}

export function projectOp(p: ProjectSpec, ifMatch?: number): PutOp {
  const { name: _n, ...spec } = p;
  return {
    type: "put",
    kind: PROJECT_KIND,
    name: p.name,
    spec: spec as unknown as Record<string, unknown>,
    ifMatch,
  };
}

export const sameProject = (a: ProjectSpec, b: ProjectSpec) => {
  const { name: _a, ...x } = a;
  const { name: _b, ...y } = b;
  return jsonEqual(x, y);
};

export async function current(rt: ProjectsRuntime, name: string, o: ChangeOptions) {
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

export async function checkRouteFree(rt: ProjectsRuntime, p: ProjectSpec): Promise<void> {
  const s = rt.settings;
  if (s.projects_mode !== "site") return; // the operator's own server block: nginx -t decides
  const site = await rt.store.get(siteKind, s.projects_site);
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

export async function checkPortFree(
  rt: ProjectsRuntime,
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

/**
 * After a failed apply the reconciler has put a refused record back; when the
 * apply failed as a whole (nginx -t fails without the change too, the state is
 * on hold) the records are still what this activation wrote: put them back.
 */
export async function revertWrites(
  rt: ProjectsRuntime,
  written: WriteResult[],
  why: string,
): Promise<void> {
  try {
    await rt.store.write(async () => {
      const ops: WriteOp[] = [];
      for (const w of written) {
        if (!w.changed || !w.after) continue;
        const now = await rt.store.get(w.kind, w.name);
        if (!now || now.version !== w.after.version) continue; // already put back
        // Applied by the same round (the settings record next to a refused project): keep.
        if (sameRecord(rt.reconciler.applied.get(`${w.kind}/${w.name}`), now)) continue;
        ops.push(putBackOp(w.kind, w.name, w.before, { ifMatch: now.version }));
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

export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
