// The barrier a migration waits on after each routing change: every gateway
// has applied generation G and no worker of an older one still serves (D8: an
// old worker finishes in-flight PUTs to the source). This agent's version looks
// at its own nginx; the fleet gives the engine a multi-node one (same interface).
import type { NginxControl } from "../../nginx/control.ts";

export interface BarrierResult {
  ok: boolean;
  /** What it still waits for, or what failed: shown as the migration's waiting_for. */
  waiting_for: string[];
  waitedMs: number;
  /** Everything it waited for on the way. */
  seen: string[];
}

export interface Barrier {
  /** Resolves when every gateway runs generation >= G with no old worker, or at the deadline. */
  wait(
    generation: number,
    o: { timeoutMs: number; onWait?: (what: string[]) => void; signal?: AbortSignal },
  ): Promise<BarrierResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One gateway: this agent's nginx and the generation its reconciler installed. */
export class SingleHostBarrier implements Barrier {
  constructor(
    private nginx: Pick<NginxControl, "workers">,
    private generation: () => number | null,
  ) {}

  async wait(
    g: number,
    o: { timeoutMs: number; onWait?: (what: string[]) => void; signal?: AbortSignal },
  ): Promise<BarrierResult> {
    const start = Date.now();
    const deadline = start + o.timeoutMs;
    let last: string[] = [];
    const seen = new Set<string>();
    while (true) {
      const have = this.generation();
      const waiting: string[] = [];
      if (have === null || have < g) waiting.push(`this gateway: generation ${have} < ${g}`);
      const old = (await this.nginx.workers()).filter((w) => w.title.includes("shutting down"));
      if (old.length) {
        waiting.push(
          `this gateway: ${old.length} old nginx worker(s) shutting down (pid ${
            old.map((w) => w.pid).join(", ")
          })`,
        );
      }
      const waitedMs = Date.now() - start;
      if (!waiting.length) return { ok: true, waiting_for: [], waitedMs, seen: [...seen] };
      waiting.forEach((w) => seen.add(w.replace(/\(pid.*\)/, "")));
      if (waiting.join() !== last.join()) o.onWait?.(waiting);
      last = waiting;
      if (Date.now() > deadline || o.signal?.aborted) {
        return { ok: false, waiting_for: waiting, waitedMs, seen: [...seen] };
      }
      await sleep(100);
    }
  }
}
