// Project changes: activation (activate.ts, hop by hop as undoable steps) and
// deactivation, which removes the route first (no 502 window), then stops the
// service. The project directory is never deleted.
import { AgentError, notFound } from "../../errors.ts";
import { parseProject, PROJECT_KIND, projectDir, type ProjectSpec } from "./model.ts";
import type { WriteOp } from "../../store/store.ts";
import type { ChangeOptions } from "../../changes/context.ts";
import { submitChange, writeChange } from "../../changes/apply.ts";
import { managerOf, projectsOf, type ProjectsState, withProjectLock } from "./state.ts";
import { syncRegistry } from "./registry-sync.ts";
import type { ProjectsRuntime } from "./settings.ts";
import { activate } from "./activate.ts";
import { finishActivation } from "./activate-result.ts";
import { current, projectOp, type ProjectResult, settingsOp } from "./project-ops.ts";

export { externalUrl, healthUrl, type ProjectResult, serviceSpec } from "./project-ops.ts";

export function putProject(
  rt: ProjectsRuntime,
  name: string,
  body: unknown,
  o: ChangeOptions,
): Promise<ProjectResult> {
  const spec = parseProject(name, body, rt.settings.projects_root);
  const st = projectsOf(rt);
  return withProjectLock(
    st,
    name,
    async () =>
      spec.status === "active"
        ? await finishActivation(await activate(rt, st, spec, o))
        : await deactivate(rt, st, name, o, spec),
  );
}

export function deleteProject(
  rt: ProjectsRuntime,
  name: string,
  o: ChangeOptions,
): Promise<ProjectResult> {
  const st = projectsOf(rt);
  return withProjectLock(st, name, () => deactivate(rt, st, name, o, null));
}

async function deactivate(
  rt: ProjectsRuntime,
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
  const results = await writeChange(rt, async () => {
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
