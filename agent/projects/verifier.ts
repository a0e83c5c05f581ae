// The external hop of an activation, checked right after nginx reloaded: the
// project's health path through nginx, the way clients reach it. A failure
// refuses the project in the same apply, so the reconciler rolls its route
// back. Only activations ask for it (other applies that carry a project, such
// as a restore, do not wait for backends).
import type { Verifier } from "../nginx/reconciler.ts";
import type { Runtime } from "../runtime.ts";
import { PROJECT_KIND, type ProjectSpec } from "../model/project.ts";
import { projectsOf } from "./state.ts";
import { checkClient, waitHealthy } from "./health.ts";
import { externalUrl } from "../changes/projects.ts";

export function projectsVerifier(rt: Runtime): Verifier {
  return {
    name: "projects-external-hop",
    async verify(changed, state) {
      const st = projectsOf(rt);
      const out: { id: string; code: "UPSTREAM_UNHEALTHY"; message: string }[] = [];
      const client = await checkClient(rt.settings.projects_check_ca_file).catch(() => undefined);
      try {
        for (const id of changed) {
          if (!id.startsWith(`${PROJECT_KIND}/`)) continue;
          const name = id.slice(PROJECT_KIND.length + 1);
          const p = state.get(id) as unknown as ProjectSpec | undefined;
          if (!st.verify.has(name) || p?.status !== "active") continue;
          // nginx proved it loaded the generation; a few tries cover workers still starting.
          const r = await waitHealthy("external", externalUrl(rt, p), 3000, { client });
          st.external.set(name, r);
          if (!r.ok) {
            out.push({
              id,
              code: "UPSTREAM_UNHEALTHY",
              message: `the external hop failed: GET ${r.url}: ${r.error}`,
            });
          }
        }
      } finally {
        client?.close();
      }
      return out;
    },
  };
}
