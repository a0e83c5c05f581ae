// Whole-state writes (rebuild, restore, rollback) as store.write batches: one
// atomic operation holds at most 1000 mutations and 100 checks, and every record
// costs its chunks, its index claims (a check each) and an audit entry carrying
// before and after.
import type { Store, WriteOp, WritePlan, WriteResult } from "../store/store.ts";
import { AgentError } from "../errors.ts";

const BUDGET = 700;
/** Deno KV allows 100 checks per atomic operation; the store checks each record and claim. */
const CHECKS = 90;
const CHUNK = 60_000;

function checks(op: WriteOp): number {
  return op.type === "delete" ? 1 : 1 + (op.indexes?.length ?? 0);
}

function cost(op: WriteOp, before: number): number {
  if (op.type === "delete") return 2 + Math.ceil(before / CHUNK) * 2;
  const size = JSON.stringify(op.spec).length;
  return 3 + (op.indexes?.length ?? 0) * 2 + Math.ceil(size / CHUNK) * 3 +
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
  let batches: WriteOp[][] = [];
  let cur: WriteOp[] = [];
  let used = 0;
  let checked = 0;
  for (const op of ordered) {
    const c = cost(op, sizes(op));
    const k = checks(op);
    if (cur.length && (used + c > BUDGET || checked + k > CHECKS)) {
      batches.push(cur);
      cur = [];
      used = 0;
      checked = 0;
    }
    cur.push(op);
    used += c;
    checked += k;
  }
  if (cur.length) batches.push(cur);
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
