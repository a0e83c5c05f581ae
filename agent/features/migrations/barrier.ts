// The barrier a migration waits on after each routing change: every gateway
// has applied generation G and no worker of an older one still serves (D8: an
// old worker finishes in-flight PUTs to the source). This agent's version looks
// at its own nginx; the fleet gives the engine a multi-node one (same interface).
import type { NginxControl } from "../../nginx/control.ts";
import { serviceKey } from "../../runtime.ts";

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

/** Text a resuming node needs (the listings of the split and of an abort), shared by the fleet. */
export interface SharedBlobs {
  put(name: string, text: string): Promise<void>;
  /** null: never written (or removed). */
  get(name: string): Promise<string | null>;
  remove(name: string): Promise<void>;
}

/**
 * What a fleet (store = etcd) gives the migrations: the barrier of every
 * gateway, and the rule that only the fleet's controller runs them (rclone on
 * one node, never on two or none). null with store = kv: this host runs them.
 */
export interface MigrationFleet {
  barrier: Barrier;
  /** This node's name. */
  node: string;
  /** This node leads the fleet now (and so runs the migrations). */
  leading(): boolean;
  /** Called on every change of leading(); the answer unsubscribes. */
  onLeadership(cb: () => void): () => void;
  /** The node that runs the fleet's migrations (the controller), or null while none leads. */
  runner(): Promise<string | null>;
  blobs: SharedBlobs;
  /** The runner's live progress of a migration (JSON), for the other nodes' API; null removes it. */
  shareProgress(id: string, json: string | null): Promise<void>;
  sharedProgress(id: string): Promise<string | null>;
}

export const MIGRATION_FLEET = serviceKey<MigrationFleet | null>("migration-fleet");
