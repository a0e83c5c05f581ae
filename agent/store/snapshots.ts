// list(kind) reused until the store's next committed write (its seq): the list
// pages search, sort and page 10,000 records per keystroke without reading them
// all from KV each time. The runtime holds one per store (rt.lists).
// Read only: callers must not change the records they get. A `fresh` source (the
// round's record cache, store/desired-cache.ts) is asked first: null sends the read to KV.

/** What a snapshot needs of the store (agent/store/store.ts's Store is one). */
export interface Listing<R> {
  readonly seq: number;
  list(kind: string): Promise<R[]>;
}

export class ListSnapshots<R> {
  readonly #src: Listing<R>;
  readonly #fresh: ((kind: string) => Promise<readonly R[] | null>) | null;
  readonly #cache = new Map<string, { seq: number; recs: readonly R[]; shared: boolean }>();

  constructor(src: Listing<R>, fresh?: (kind: string) => Promise<readonly R[] | null>) {
    this.#src = src;
    this.#fresh = fresh ?? null;
  }

  async list(kind: string): Promise<readonly R[]> {
    const seq = this.#src.seq;
    const hit = this.#cache.get(kind);
    if (hit?.seq === seq && hit.shared) return hit.recs;
    // A copy read from KV is dropped for the shared records once they are current.
    const fresh = (await this.#fresh?.(kind)) ?? null;
    if (hit?.seq === seq && !fresh) return hit.recs;
    const recs = fresh ?? await this.#src.list(kind);
    // A write that landed while reading: not cached, the next call reads again.
    if (this.#src.seq === seq) this.#cache.set(kind, { seq, recs, shared: fresh !== null });
    return recs;
  }
}
