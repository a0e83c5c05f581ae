// Whole-state writes (rebuild, restore, rollback) as store.write batches: one
// atomic operation holds at most 1000 mutations and 100 checks, and every record
// costs its chunks, its index claims (a check each) and an audit entry carrying
// before and after.
import type { Store, WriteOp, WritePlan, WriteResult } from "../../store/store.ts";
import { AgentError } from "../../errors.ts";
import { packBatches } from "../../store/batches.ts";

const BUDGET = 700;
/**
 * Records and claims per batch. The store no longer checks claims, but a delete's
 * cost below cannot see the claims it frees: this also bounds those.
 */
const CHECKS = 90;
const CHUNK = 60_000;

/** Claims a put will hold, computed by the store as at the write. */
function claimCount(store: Store, op: WriteOp): number {
  return op.type === "put" ? store.claimsOf(op.kind, { ...op.spec, name: op.name }).length : 0;
}

function checks(store: Store, op: WriteOp): number {
  return 1 + claimCount(store, op);
}

function cost(store: Store, op: WriteOp, before: number): number {
  if (op.type === "delete") return 2 + Math.ceil(before / CHUNK) * 2;
  const size = JSON.stringify(op.spec).length;
  return 3 + claimCount(store, op) * 2 + Math.ceil(size / CHUNK) * 3 +
    Math.ceil(before / CHUNK) * 2;
}

/**
 * Writes `ops` in as few atomic batches as fit. Deletes go first so index
 * claims they free are available to the puts; a batch refused for a claim held
 * by a record a later batch changes is retried after the others.
 */
export async function writeInBatches(
  store: Store,
  ops: WriteOp[],
  plan: Omit<WritePlan, "ops">,
  sizes: (op: WriteOp) => number = () => 0,
): Promise<WriteResult[]> {
  const ordered = [
    ...ops.filter((o) => o.type === "delete"),
    ...ops.filter((o) => o.type === "put"),
  ];
  let batches = packBatches(
    ordered,
    (op) => [cost(store, op, sizes(op)), checks(store, op)],
    [BUDGET, CHECKS],
  );
  const results: WriteResult[] = [];
  let lastError: unknown = null;
  for (let pass = 0; batches.length; pass++) {
    if (pass === 4) throw lastError;
    const retry: WriteOp[][] = [];
    for (const b of batches) {
      try {
        results.push(...(await store.write(() => ({ ...plan, ops: b }))));
      } catch (e) {
        if (!(e instanceof AgentError && e.code === "CONFLICT" && batches.length > 1)) throw e;
        retry.push(b);
        lastError = e;
      }
    }
    if (retry.length === batches.length) throw lastError;
    batches = retry;
  }
  return results;
}
