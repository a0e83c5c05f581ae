// list(kind) reused until the store's next committed write (its seq): the list
// pages search, sort and page 10,000 records per keystroke without reading them
// all from KV each time. The runtime holds one per store (rt.lists).
// Read only: callers must not change the records they get.

/** What a snapshot needs of the store (agent/store/store.ts's Store is one). */
export interface Listing<R> {
  readonly seq: number;
  list(kind: string): Promise<R[]>;
}

export class ListSnapshots<R> {
  readonly #src: Listing<R>;
  readonly #cache = new Map<string, { seq: number; recs: readonly R[] }>();

  constructor(src: Listing<R>) {
    this.#src = src;
  }

  async list(kind: string): Promise<readonly R[]> {
    const seq = this.#src.seq;
    const hit = this.#cache.get(kind);
    if (hit && hit.seq === seq) return hit.recs;
    const recs = await this.#src.list(kind);
    // A write that landed while reading: not cached, the next call reads again.
    if (this.#src.seq === seq) this.#cache.set(kind, { seq, recs });
    return recs;
  }
}
