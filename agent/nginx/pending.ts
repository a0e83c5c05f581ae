// Which records nginx does not serve yet, without reading every record on each
// ask (the dashboard asks on every load: at 10,000 sites a full compare cost
// seconds). Only "suspects" are read and compared: ids written since the last
// apply and ids an apply left different from the state it was built from. A full
// compare runs on the first ask, after the applied records were replaced by other
// means than a round (a restart's load), when too many suspects piled up, and
// when the KV write counter shows a write this process did not make (another
// process on the same state file).
import type { Rec, Store } from "../store/store.ts";
import { onlyOwnWrites, type WriteBasis } from "../store/desired-cache.ts";
import { type PendingAction, pendingChanges, sameRecord, splitId } from "./plan.ts";

export interface PendingChange {
  id: string;
  action: PendingAction;
  version: number | null;
}

/** Above this many suspects one scan of the store is cheaper than a read per suspect. */
const MAX_SUSPECTS = 500;

interface Suspect {
  /** Changes at every marking, so a compare that raced a newer marking keeps it. */
  mark: number;
  /** The store's seq of the write that marked it; 0 when an apply marked it. */
  seq: number;
}

export class PendingTracker {
  readonly #store: Store;
  readonly #applied: () => Map<string, Rec>;
  #suspects = new Map<string, Suspect>();
  #marks = 0;
  /** The KV write counter and the store's seq the suspects account for; null: unknown. */
  #basis: WriteBasis | null = null;
  /** The applied records the suspects account for (another map: compare everything). */
  #seen: Map<string, Rec> | null = null;

  constructor(store: Store, applied: () => Map<string, Rec>) {
    this.#store = store;
    this.#applied = applied;
    store.onChange((ids, seq) => {
      for (const id of ids) this.#mark(id, seq);
    });
  }

  #mark(id: string, seq: number) {
    this.#suspects.set(id, { mark: ++this.#marks, seq });
  }

  /**
   * A round installed `applied`, built from `desired` as the store held it at
   * `seq`. Ids written after `seq` stay suspects; of the rest only those the
   * round left different (refused and reverted) can be pending. The round's
   * state shares the desired records it kept, so this is mostly reference checks.
   */
  installed(applied: Map<string, Rec>, from?: { desired: Map<string, Rec>; seq: number }): void {
    if (!from) return void (this.#basis = null);
    this.#seen = applied; // complete again: every id is either compared here or written later
    for (const [id, s] of this.#suspects) if (s.seq <= from.seq) this.#suspects.delete(id);
    for (const [id, d] of from.desired) {
      const a = applied.get(id);
      if (a !== d && !sameRecord(d, a)) this.#mark(id, 0);
    }
    for (const id of applied.keys()) if (!from.desired.has(id)) this.#mark(id, 0);
  }

  /** Changes in KV that nginx does not serve yet, sorted by id. */
  async list(): Promise<PendingChange[]> {
    const count = await this.#store.writeCount();
    const b = this.#basis;
    const foreign = !onlyOwnWrites(this.#store, b, count);
    const replaced = this.#applied() !== this.#seen;
    if (foreign || replaced || this.#suspects.size > MAX_SUSPECTS) return await this.#full();
    const out: PendingChange[] = [];
    for (const [id, s] of [...this.#suspects]) {
      const { kind, name } = splitId(id);
      const d = (await this.#store.get(kind, name)) ?? undefined;
      const a = this.#applied().get(id);
      if (sameRecord(d, a)) {
        if (this.#suspects.get(id)?.mark === s.mark) this.#suspects.delete(id);
        continue;
      }
      out.push({
        id,
        action: !a ? "create" : !d ? "delete" : "update",
        version: d?.version ?? null,
      });
    }
    return out.sort((x, y) => (x.id < y.id ? -1 : 1));
  }

  /** Every record against the applied ones; the changed ones become the suspects. */
  async #full(): Promise<PendingChange[]> {
    // Counter first, seq second: a write between the two reads makes the next ask
    // compare everything again (a spurious full compare, never a missed change).
    const count = await this.#store.writeCount();
    const seq = this.#store.seq;
    const desired = await this.#store.all();
    const applied = this.#applied();
    const changes = pendingChanges(desired, applied);
    const later = [...this.#suspects].filter(([, s]) => s.seq > seq); // written while reading
    this.#suspects = new Map(later);
    for (const c of changes) if (!this.#suspects.has(c.id)) this.#mark(c.id, 0);
    this.#basis = { count, seq };
    this.#seen = applied;
    return changes;
  }
}
