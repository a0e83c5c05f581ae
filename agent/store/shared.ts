// The seam between the store and a shared desired state (the fleet's etcd,
// agent/features/fleet): with one attached, every committed write goes to it
// first and this KV file commits only what it acknowledged, becoming the node's
// mirror of the shared state. Without one (the default) nothing here runs.
import type { Mutation } from "./group.ts";
import type { Rec, WriteResult } from "./ops.ts";

/** Records another node wrote, as the mirror applies them (no audit: that is the writer's). */
export interface MirrorUpdate {
  /** Stored records (without `_idx`: claims are computed here) to put, or null to delete. */
  changes: { kind: string; name: string; rec: Rec | null }[];
  /** A snapshot: every record of a kind this covers that `changes` lacks is deleted. */
  replace?: (kind: string) => boolean;
  /** More sets in the last atomic operation (the revision the mirror is at). */
  meta: Mutation[];
}

export interface SharedStore {
  /** Records one commit may carry (a group is split below it). */
  readonly maxRecords: number;
  /** Whether records of `kind` are shared (desired) or this node's own. */
  covers(kind: string): boolean;
  /**
   * Commits a group's changed records to the shared state, guarded by the
   * revision this mirror is at. Returns what the local commit adds (the new
   * revision; nothing when no record was shared); throws the error the writes fail with.
   */
  commit(results: readonly WriteResult[]): Promise<Mutation[]>;
  /** Another node wrote since this mirror's revision (`commit` threw it): catch up, plan again. */
  isStale(e: unknown): boolean;
  /** Brings the mirror up to the shared state; `apply` runs under the store's write lock. */
  catchUp(apply: (u: MirrorUpdate) => Promise<string[]>): Promise<void>;
}

/**
 * How many times a group is planned again after another node wrote first. Three
 * were too few: in a burst through two nodes with etcd's leader killed, a plain
 * PUT lost four times in a row and was answered 412.
 */
export const STALE_RETRIES = 8;

/** The pause before planning again (jittered, doubling to 200 ms): the other node's burst gets through. */
export function staleBackoff(tries: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** tries) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A group's changes through the shared state first. "fleet": the shared state
 * has them and their mutations are in `op` (commit it); "local": nothing of it
 * is shared; "again": another node wrote first and the mirror caught up (plan
 * the group again); else the error every write of the group fails with.
 */
export async function commitShared(
  shared: SharedStore,
  results: readonly WriteResult[],
  op: Deno.AtomicOperation,
  apply: (u: MirrorUpdate) => Promise<string[]>,
  stale: number,
): Promise<"fleet" | "local" | "again" | { error: unknown }> {
  try {
    const muts = await shared.commit(results);
    for (const m of muts) {
      if (m.type === "set") op.set(m.key, m.value);
      else op.delete(m.key);
    }
    return muts.length ? "fleet" : "local";
  } catch (e) {
    if (!shared.isStale(e) || stale >= STALE_RETRIES) return { error: e };
    try {
      await shared.catchUp(apply);
      return "again";
    } catch (c) {
      return { error: c };
    }
  }
}
