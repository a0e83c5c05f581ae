// Group commit: writes that arrive while a commit is in flight are validated one
// after another, each against the state with the group's earlier writes in it (the
// overlay), and committed together in one atomic KV operation. Each keeps its own
// result, If-Match, claims and audit entries; one refused write leaves the others
// in. Deno KV caps an atomic operation (1,000 mutations, 100 checks, 800 KiB in
// all, 80 KiB of keys): a write that would overflow the group waits for the next.
import type { Head } from "./kvjson.ts";
import type { Rec } from "./ops.ts";

/** What one atomic operation may hold here (below Deno KV's caps, for the group's own sum). */
export const GROUP_BUDGET = { mutations: 990, checks: 100, bytes: 700_000, keyBytes: 70_000 };

export type Mutation =
  | { type: "set"; key: Deno.KvKey; value: unknown }
  | { type: "delete"; key: Deno.KvKey };

/** Records mutations instead of applying them (setJson/deleteJson write into it). */
export class Recorder {
  readonly muts: Mutation[] = [];
  set(key: Deno.KvKey, value: unknown): this {
    this.muts.push({ type: "set", key, value });
    return this;
  }
  delete(key: Deno.KvKey): this {
    this.muts.push({ type: "delete", key });
    return this;
  }
}

const keyBytes = (k: Deno.KvKey) => JSON.stringify(k).length;

/** The cost of a write in each of the atomic operation's budgets (`records`: records it changes). */
export function costOf(muts: Mutation[], checks: number, records = 0) {
  let bytes = 0;
  let keys = 0;
  for (const m of muts) {
    const k = keyBytes(m.key);
    keys += k;
    bytes += k + (m.type === "set" ? JSON.stringify(m.value)?.length ?? 0 : 0);
  }
  return { mutations: muts.length, checks, bytes, keyBytes: keys, records };
}

export type Cost = ReturnType<typeof costOf>;

/** `maxRecords`: a shared store's cap on records per transaction (etcd's --max-txn-ops). */
export function fits(used: Cost, add: Cost, maxRecords = Infinity): boolean {
  return used.records + add.records <= maxRecords &&
    used.mutations + add.mutations <= GROUP_BUDGET.mutations &&
    used.checks + add.checks <= GROUP_BUDGET.checks &&
    used.bytes + add.bytes <= GROUP_BUDGET.bytes &&
    used.keyBytes + add.keyBytes <= GROUP_BUDGET.keyBytes;
}

export const NO_COST: Cost = { mutations: 0, checks: 0, bytes: 0, keyBytes: 0, records: 0 };

export function addCost(a: Cost, b: Cost): Cost {
  return {
    mutations: a.mutations + b.mutations,
    checks: a.checks + b.checks,
    bytes: a.bytes + b.bytes,
    keyBytes: a.keyBytes + b.keyBytes,
    records: a.records + b.records,
  };
}

/** A record as the group will leave it: `base` is what KV holds (its versionstamp is checked). */
export interface Pending {
  base: Deno.KvEntry<Head> | null;
  /** The head the group's mutations leave (chunk counts for the next write of it). */
  head: Head | null;
  rec: Rec | null;
}

const recId = (kind: string, name: string) => `${kind}\u0000${name}`;
const idxId = (key: string[]) => JSON.stringify(key);

/** The group's writes so far, as later writes (and their plans) of the group read them. */
export class Overlay {
  /** The group's KV reads (read-ahead.ts); every overlay of one group shares them. */
  readonly reads: { get<T>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>> };
  constructor(reads: Overlay["reads"]) {
    this.reads = reads;
  }
  readonly #recs = new Map<string, Pending>();
  readonly #idx = new Map<string, string | null>();

  rec(kind: string, name: string): Pending | undefined {
    return this.#recs.get(recId(kind, name));
  }
  setRec(kind: string, name: string, p: Pending): void {
    this.#recs.set(recId(kind, name), p);
  }
  /** The owner the group leaves on an index key; undefined: the group does not touch it. */
  idx(key: string[]): string | null | undefined {
    return this.#idx.get(idxId(key));
  }
  setIdx(key: string[], owner: string | null): void {
    this.#idx.set(idxId(key), owner);
  }
  get size(): number {
    return this.#recs.size;
  }
  /** Pending records of a kind, by name (null: deleted by the group). */
  ofKind(kind: string): Map<string, Rec | null> {
    const out = new Map<string, Rec | null>();
    for (const [id, p] of this.#recs) {
      const i = id.indexOf("\u0000");
      if (id.slice(0, i) === kind) out.set(id.slice(i + 1), p.rec);
    }
    return out;
  }
  /** Every pending record, keyed "kind/name" (null: deleted by the group). */
  all(): Map<string, Rec | null> {
    const out = new Map<string, Rec | null>();
    for (const [id, p] of this.#recs) out.set(id.replace("\u0000", "/"), p.rec);
    return out;
  }
}

/** A list read as committed, with the group's pending records of that kind put in (sorted by name). */
export function mergeList(committed: Rec[], pending: Map<string, Rec | null>): Rec[] {
  if (!pending.size) return committed;
  const out = committed.filter((r) => !pending.has(r.name));
  for (const rec of pending.values()) if (rec) out.push(rec);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
