// When rounds start. While writes are still being committed, a round waits until
// no change arrived for `coalesce_ms` (at most `coalesce_max_ms`): a burst costs
// one reload; with no write in flight it starts at once. It also waits while a
// group of writers that belong in one round is still working towards its
// changes: a declarative apply hands projects and certificates to their kinds'
// own writers (a project's service starts before its route is written), and
// each submits its own change; the first round then carries them all, so the
// file costs one reload, not one per entity.
import { AsyncLocalStorage } from "../store/sync.ts";

interface Group {
  running: number;
  waiting: number;
  until: number;
}

/** How long a round waits for another change when no write is being committed. */
export const GRACE_MS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RoundGate {
  readonly #groups = new Set<Group>();
  readonly #current = new AsyncLocalStorage<Group>();

  /**
   * Runs `writers` together: while one of them is running and not waiting on
   * a round, rounds wait (for at most `capMs` in all: a writer stuck elsewhere
   * only costs the others a reload of their own).
   */
  async together<T>(
    writers: readonly (() => Promise<T>)[],
    capMs = 30_000,
  ): Promise<PromiseSettledResult<T>[]> {
    const g: Group = { running: writers.length, waiting: 0, until: performance.now() + capMs };
    this.#groups.add(g);
    try {
      return await Promise.allSettled(writers.map((w) =>
        this.#current.run(g, async () => {
          try {
            return await w();
          } finally {
            g.running--;
          }
        })
      ));
    } finally {
      this.#groups.delete(g);
    }
  }

  /** A change was submitted (by a writer of a group or not): `round` is its round's answer. */
  submitted<T>(round: Promise<T>): Promise<T> {
    const g = this.#current.getStore();
    if (!g || !this.#groups.has(g)) return round;
    g.waiting++;
    const left = () => void g.waiting--;
    round.then(left, left);
    return round;
  }

  /** Whether a group has a writer still working towards its change. */
  closed(): boolean {
    const now = performance.now();
    for (const g of this.#groups) if (g.waiting < g.running && now < g.until) return true;
    return false;
  }

  /**
   * Waits until the next round may start (`lastKick`: when the latest change
   * arrived). While `writing()` says more writes are being committed, it waits for
   * `quiet` ms without a change (a burst's writes join one round); with none in
   * flight it starts after `GRACE_MS`, so a lone change does not wait `quiet`.
   */
  async debounce(
    lastKick: () => number,
    quiet: number,
    cap: number,
    writing: () => boolean = () => true,
  ): Promise<void> {
    const start = performance.now();
    while (true) {
      const now = performance.now();
      const idle = now - lastKick();
      const waited = now - start;
      const gated = this.closed();
      const enough = idle >= quiet || (idle >= Math.min(quiet, GRACE_MS) && !writing());
      if ((enough || waited >= cap) && !gated) break;
      await sleep(gated ? 5 : Math.max(1, Math.min(quiet - idle, cap - waited, GRACE_MS)));
    }
  }
}
