// A project in a declarative file is written by the projects API's own code
// (putProject / deleteProject): its service starts before its route is written
// and stops after the route is gone, which one batch write cannot do.
import type { KindEffects } from "../../changes/effects.ts";
import { deleteProject, type ProjectResult, putProject } from "./changes.ts";
import type { ProjectsRuntime } from "./settings.ts";

function said(r: ProjectResult): string {
  const s = r.service;
  const service = s ? `service ${s.state}${s.pid ? ` (pid ${s.pid})` : ""}` : "no service";
  const route = r.record?.status === "active" ? "routed" : "not routed";
  return [`${service}, ${route}`, ...r.warnings].join("; ");
}

export function projectEffects(rt: ProjectsRuntime): KindEffects {
  return {
    write: {
      put: async (name, spec, actor) => said(await putProject(rt, name, spec, { actor })),
      delete: async (name, actor) => said(await deleteProject(rt, name, { actor })),
    },
  };
}
