// The external hop of an activation, checked right after nginx reloaded: the
// project's health path through nginx, the way clients reach it. A failure
// refuses the project in the same apply, so the reconciler rolls its route
// back. Only activations ask for it (other applies that carry a project, such
// as a restore, do not wait for backends).
import type { Verdict, Verifier } from "../../nginx/reconciler.ts";
import { PROJECT_KIND, type ProjectSpec } from "./model.ts";
import { checkClient, waitHealthy } from "./health.ts";
import { externalUrl } from "./changes.ts";
import type { ProjectsRuntime } from "./settings.ts";

export function projectsVerifier(rt: ProjectsRuntime): Verifier {
  return {
    name: "projects-external-hop",
    async verify(changed, state, requested) {
      const out: Verdict[] = [];
      const client = await checkClient(rt.settings.projects_check_ca_file).catch(() => undefined);
      try {
        for (const id of changed) {
          if (!id.startsWith(`${PROJECT_KIND}/`)) continue;
          const p = state.get(id) as unknown as ProjectSpec | undefined;
          if (!requested.has(id) || p?.status !== "active") continue;
          // nginx proved it loaded the generation; a few tries cover workers still starting.
          const r = await waitHealthy("external", externalUrl(rt, p), 3000, {
            client,
            insecure: rt.settings.projects_check_insecure,
          });
          // The hop result goes back to the activation in the outcome (or the refusal).
          const detail = { hop: r as unknown as Record<string, unknown> };
          if (!r.ok) {
            out.push({
              id,
              code: "UPSTREAM_UNHEALTHY",
              message: `the external hop failed: GET ${r.url}: ${r.error}`,
              detail,
            });
          } else out.push({ id, ok: true, message: `GET ${r.url}: ${r.status}`, detail });
        }
      } finally {
        client?.close();
      }
      return out;
    },
  };
}
