// Packing many records into as few atomic KV writes as fit. Deno KV allows 1000
// mutations and 100 checks per atomic operation, and the store adds an audit
// entry (and a pending marker) per record on top of its chunks and claims.

/**
 * Consecutive items grouped so that no group exceeds any budget: `cost` gives
 * an item's cost in each dimension (mutations, checks, ...), `budgets` the
 * limits in the same order. An item too big alone stands alone.
 */
export function packBatches<T>(
  items: T[],
  cost: (item: T) => number[],
  budgets: number[],
): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let used = budgets.map(() => 0);
  for (const item of items) {
    const c = cost(item);
    if (cur.length && c.some((x, i) => used[i] + x > budgets[i])) {
      out.push(cur);
      cur = [];
      used = budgets.map(() => 0);
    }
    cur.push(item);
    used = used.map((u, i) => u + c[i]);
  }
  if (cur.length) out.push(cur);
  return out;
}
