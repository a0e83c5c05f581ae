// The migration barrier of a fleet (shared/specs/fleet.md, "Migration
// barrier"): a routing change at generation G is live once EVERY registered
// node (nodes/<n>/registered) reports applied_generation >= G, a round that
// did not fail, and no old nginx worker. A node whose status lease expired is
// waited on, never skipped: a partitioned gateway may still send writes to the
// source with the old config. Only an operator's fence (`agent fleet
// remove-node`) takes it out. Same interface as the single host's barrier, so
// the migration engine does not know which one it has.
import type { Barrier, BarrierResult } from "../migrations/barrier.ts";
import type { Etcd } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";
import { type FleetNode, readFleet } from "../../fleet/status.ts";

const POLL_MS = 250;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Why `n` holds the barrier at generation `g` (null: it does not). Pure. */
function holdsBarrier(
  n: FleetNode,
  g: number,
  goneForMs: number | null,
): string | null {
  if (!n.registered) return null; // fenced: an operator said it is gone
  const s = n.status;
  const fence = `fence it with agent fleet remove-node ${n.name} if it is gone`;
  if (!s) {
    const when = goneForMs === null
      ? "its lease expired, or it never reported"
      : `lease expired ${Math.round(goneForMs / 1000)} s ago`;
    return `${n.name}: no status (${when}); ${fence}`;
  }
  if (s.applied_generation < g) {
    const failed = !s.ok && s.error ? `; its last round failed: ${s.error}` : "";
    return `${n.name}: generation ${s.applied_generation} < ${g}${failed}`;
  }
  if (!s.ok) {
    // nginx did not load G there (rolled back, or the node holds its applies): the old routing.
    return `${n.name}: its round at generation ${s.applied_generation} failed: ${
      s.error ?? "no reason given"
    }; fix it there, or ${fence}`;
  }
  if (s.old_workers > 0) return `${n.name}: ${s.old_workers} old nginx worker(s)`;
  return null;
}

export class FleetBarrier implements Barrier {
  /** When this barrier last saw each node's status (to say how long ago its lease went). */
  readonly #seen = new Map<string, number>();

  constructor(
    /** null until the fleet's init made the client (the engine is built before). */
    private etcd: () => Etcd | null,
    private keys: FleetKeys,
    /**
     * The fleet generation to wait for, given the engine's (this node's nginx
     * generation): the desired generation its mirror holds once the change is
     * written, which every node reports as applied_generation.
     */
    private target: (g: number) => Promise<number> = (g) => Promise.resolve(g),
    private now: () => number = Date.now,
  ) {}

  /** What holds generation `g` now, one line per node (empty: it passes). */
  async holding(g: number): Promise<string[]> {
    const etcd = this.etcd();
    if (!etcd) return ["etcd: this agent does not follow the fleet (agent serve does)"];
    const { nodes } = await readFleet(etcd, this.keys);
    const now = this.now();
    const out: string[] = [];
    for (const n of nodes) {
      if (n.status) this.#seen.set(n.name, now);
      else if (n.registered && !this.#seen.has(n.name)) this.#seen.set(n.name, -1); // never saw it
      const seen = this.#seen.get(n.name);
      const why = holdsBarrier(n, g, seen !== undefined && seen >= 0 ? now - seen : null);
      if (why) out.push(why);
    }
    return out;
  }

  async wait(
    g: number,
    o: { timeoutMs: number; onWait?: (what: string[]) => void; signal?: AbortSignal },
  ): Promise<BarrierResult> {
    const start = this.now();
    const seen = new Set<string>();
    let last = "";
    const fleetG = await this.target(g);
    while (true) {
      let waiting: string[];
      try {
        waiting = await this.holding(fleetG);
      } catch (e) {
        // etcd out of reach: nothing is known of the nodes, so nothing passes.
        waiting = [`etcd: ${(e as Error).message}`];
      }
      const waitedMs = this.now() - start;
      if (!waiting.length) return { ok: true, waiting_for: [], waitedMs, seen: [...seen] };
      // (the seconds since expiry change every poll: counted once per node and reason)
      waiting.forEach((w) =>
        seen.add(w.replace(/ \d+ s ago/, "").replace(/generation \d+ </, "generation <"))
      );
      if (waiting.join("\n") !== last) o.onWait?.(waiting);
      last = waiting.join("\n");
      if (this.now() - start > o.timeoutMs || o.signal?.aborted) {
        return { ok: false, waiting_for: waiting, waitedMs, seen: [...seen] };
      }
      await sleep(POLL_MS, o.signal);
    }
  }
}
