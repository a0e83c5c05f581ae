// The shape of a shared-upstream plan (computed by render/upstreams.ts), apart so
// the render context and the pool renderer can name it without importing the planner.

export interface SharedUpstream {
  name: string;
  /** The pools it serves, sorted: the first holds it in its file. */
  pools: string[];
}

export interface UpstreamPlan {
  /** The upstream nginx knows a pool by. */
  nameOf(pool: string): string;
  /** The shared upstream serving a pool, or null when it has its own. */
  sharedOf(pool: string): SharedUpstream | null;
  /** The pools an upstream name serves (a pool's own name: that pool). */
  poolsOf(upstream: string): string[];
}
