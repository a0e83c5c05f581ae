// The apply round's read of the whole desired state without reading every record
// each round (at 1,000 sites `store.all()` was 35–65 ms of every apply). The
// records read last time are kept, frozen, because the round, the applied state
// and the next round share them. A read takes again only the ids this process
// committed since (the store's onChange), and everything when the KV write
// counter moved by more than this process's own commits (another process wrote).
// Callers hold the store's write lock, so no commit of this process runs meanwhile.
import type { Rec, Store } from "./store.ts";

/** A point in the store's writes: the KV write counter and this process's seq then. */
export interface WriteBasis {
  count: bigint;
  seq: number;
}

/** True when the KV write counter (`count`, read now) moved by this process's own commits only. */
export function onlyOwnWrites(store: Store, b: WriteBasis | null, count: bigint): boolean {
  return b !== null && count === b.count + BigInt(store.seq - b.seq);
}

interface Cache extends WriteBasis {
  recs: Map<string, Rec> | null;
  /** `recs` by kind, sorted by name; made on the first list after `recs` changed. */
  kinds: Map<string, Rec[]> | null;
  dirty: Set<string>;
}

const caches = new WeakMap<Store, Cache>();

/** Freezes a record and everything in it (a shared record must not change under its sharers). */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function cacheOf(store: Store): Cache {
  let c = caches.get(store);
  if (!c) {
    const made: Cache = { recs: null, kinds: null, count: 0n, seq: 0, dirty: new Set() };
    store.onChange((ids) => {
      for (const id of ids) made.dirty.add(id);
    });
    caches.set(store, made);
    c = made;
  }
  return c;
}

/** Every record, keyed "kind/name" (a new map of frozen records); call under `store.locked`. */
export async function desiredUnderLock(store: Store): Promise<Map<string, Rec>> {
  const c = cacheOf(store);
  const count = await store.writeCount();
  const seq = store.seq;
  const own = c.recs !== null && onlyOwnWrites(store, c, count);
  const dirty = [...c.dirty];
  c.dirty.clear();
  c.kinds = null;
  try {
    if (own) {
      for (const id of dirty) {
        const i = id.indexOf("/");
        const rec = await store.get(id.slice(0, i), id.slice(i + 1));
        if (rec) c.recs!.set(id, deepFreeze(rec));
        else c.recs!.delete(id);
      }
    } else {
      const all = await store.all();
      for (const r of all.values()) deepFreeze(r);
      c.recs = all;
    }
  } catch (e) {
    c.recs = null; // read everything next time
    throw e;
  }
  c.count = count;
  c.seq = seq;
  c.kinds = null; // a list made while the records were read again is of the old ones
  return new Map(c.recs);
}

/**
 * A kind's records from the round's cache, by name, when it still holds the state
 * file's every write (no write since the last round read it, here or in another
 * process); otherwise null and the caller lists from KV. The list pages and the
 * jobs then share the round's frozen records instead of a second copy of each
 * (at 10,000 sites: 20,000 records read again after every write).
 */
export async function cachedKind(store: Store, kind: string): Promise<Rec[] | null> {
  const c = caches.get(store);
  if (!c?.recs || c.dirty.size || c.seq !== store.seq) return null;
  if ((await store.writeCount()) !== c.count || c.dirty.size || c.seq !== store.seq) return null;
  // Once per change, not per list: the jobs list kinds often (at 10,000 sites a scan
  // of the 20,000 records per list made 20 MB of garbage per apply).
  c.kinds ??= byKind(c.recs);
  return [...c.kinds.get(kind) ?? []];
}

/** KV lists a kind by name; the cache keeps the order records arrived in. */
function byKind(recs: Map<string, Rec>): Map<string, Rec[]> {
  const out = new Map<string, Rec[]>();
  for (const [id, r] of recs) {
    const kind = id.slice(0, id.indexOf("/"));
    const list = out.get(kind);
    if (list) list.push(r);
    else out.set(kind, [r]);
  }
  for (const list of out.values()) {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return out;
}
