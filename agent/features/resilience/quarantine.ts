// Sites quarantined because a file they depend on is gone (a TLS certificate or
// key): the renderer leaves their TLS server out (kinds/site/render.ts), so one
// missing file neither blocks every later change nor stops nginx from starting.
// This job notices when such a file disappears or comes back and re-renders, and
// /api/health reports each quarantined site as degraded with its paths.
import { declaredTlsFiles, missingTlsFiles } from "../../kinds/site/render.ts";
import type { SiteSpec } from "../../kinds/site/schema.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface Quarantined {
  site: string;
  status: "degraded: certificate missing";
  paths: string[];
}

export async function quarantined(rt: ResilienceRuntime): Promise<Quarantined[]> {
  const ctx = rt.renderContext();
  const out: Quarantined[] = [];
  // The store's snapshot: /api/health asks on every dashboard load (10,000 sites).
  for (const rec of await rt.lists.list("site")) {
    const paths = missingTlsFiles(rec as unknown as SiteSpec, ctx);
    if (paths.length) out.push({ site: rec.name, status: "degraded: certificate missing", paths });
  }
  return out;
}

/**
 * The job: while any site serves TLS from files, re-render and apply when the
 * tree renders differently from what nginx serves (a file gone or back). A
 * comparison with the job's own last look would miss a file that went and came
 * back between two runs while a change rendered it quarantined.
 */
export function quarantineJob() {
  return async (rt: ResilienceRuntime) => {
    const ctx = rt.renderContext();
    const sites = await rt.store.list("site");
    if (!sites.some((s) => declaredTlsFiles(s as unknown as SiteSpec, ctx))) return;
    await rt.reconciler.rerender().catch((e) => rt.log(`quarantine: re-render failed: ${e}`));
  };
}
