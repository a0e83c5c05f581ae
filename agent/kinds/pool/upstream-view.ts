// Which nginx upstream serves a pool, as GET /api/pools answers it: its own
// `sy_<name>`, or a shared one (render/upstreams.ts) with the pools it also serves
// and the file that defines it. Read from what nginx serves (the applied state).
import type { Rec } from "../../store/store.ts";
import type { RenderContext } from "../../render/context.ts";
import type { RenderExtension } from "../../render/files.ts";
import { confFileName, upstreamPlanOf } from "../../render/tree.ts";
import type { UpstreamPlan } from "../../render/upstreams.ts";

export interface PoolUpstream {
  /** The upstream nginx knows the pool by (what its sites' proxy_pass names). */
  name: string;
  /** The other pools the same upstream serves (empty: the pool has its own). */
  shared_with: string[];
  /** The file of the generation that defines the upstream. */
  file: string;
}

export interface UpstreamSource {
  reconciler: { readonly applied: Map<string, Rec> };
  renderContext(): RenderContext;
  extensions: RenderExtension[];
}

// The applied map is replaced at each install, never edited: one plan per generation.
const plans = new WeakMap<Map<string, Rec>, UpstreamPlan>();

function planOf(rt: UpstreamSource): UpstreamPlan {
  const applied = rt.reconciler.applied;
  let p = plans.get(applied);
  if (!p) plans.set(applied, p = upstreamPlanOf(applied, rt.renderContext(), rt.extensions));
  return p;
}

/** The pool's upstream in the generation nginx serves; null while the pool is not applied. */
export function poolUpstream(rt: UpstreamSource, pool: string): PoolUpstream | null {
  if (!rt.reconciler.applied.has(`pool/${pool}`)) return null;
  const plan = planOf(rt);
  const s = plan.sharedOf(pool);
  if (!s) return { name: plan.nameOf(pool), shared_with: [], file: confFileName("pool", pool) };
  return {
    name: s.name,
    shared_with: s.pools.filter((p) => p !== pool),
    file: confFileName("pool", s.pools[0]),
  };
}
