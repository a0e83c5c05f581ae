// A canary: a new desired generation live on one node first. The marker
// `desired/canary` (under desired/, so every node follows it in order with the
// records) names the canary node and the base: the generation (and its etcd
// revision) the rest of the fleet holds at. While it runs, every other node
// applies only what was written up to the base revision and keeps the rest
// (Hold); when it is promoted they apply it all, when it is aborted the desired
// records are written back to the base (one generation) and every node ends on
// the base's content. Without a marker (the default, and store = kv) nothing here runs.
import { z } from "zod";
import type { KeyValue, WatchEvent } from "./etcd.ts";
import type { FleetKeys } from "./keys.ts";
import type { ServiceKey } from "../runtime.ts";

export const CanarySchema = z.object({
  id: z.string(),
  node: z.string(),
  state: z.enum(["running", "promoted", "aborted"]),
  /** What the other nodes hold at while it runs (and what an abort goes back to). */
  base_generation: z.number().int().nonnegative(),
  base_revision: z.number().int().nonnegative(),
  /**
   * The revision of the marker's first put: the records there are the base's (no
   * generation came between), and it is recent, so a compaction up to an old base
   * generation still leaves it readable (0 until known).
   */
  armed_revision: z.number().int().nonnegative(),
  /** The desired generation under test (null until the canary's write landed). */
  generation: z.number().int().nonnegative().nullable(),
  hold_s: z.number().int().nonnegative(),
  /** Health targets already failing on the canary node when it started (not its fault). */
  baseline: z.array(z.string()),
  by: z.string(),
  started_at: z.string(),
  /** Since when the canary's round is ok and its health checks pass (null: not yet). */
  healthy_since: z.string().nullable(),
  ended_at: z.string().nullable(),
  /** Why it was promoted or aborted, in words. */
  reason: z.string().nullable(),
}).strict();
export type Canary = z.infer<typeof CanarySchema>;

export function parseCanary(kv: KeyValue | undefined | null): Canary | null {
  if (!kv) return null;
  try {
    const r = CanarySchema.safeParse(JSON.parse(kv.value));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The revision to read the base's records at. */
export const baseReadRevision = (c: Canary) => c.armed_revision || c.base_revision;

/** Whether `node` holds at the base: a canary runs, on another node. */
export const holds = (c: Canary | null, node: string) => c?.state === "running" && c.node !== node;

/** What this node last saw of the marker (follower, writes and the canary's own txns). */
export class CanaryView {
  marker: Canary | null = null;
  /** The marker's mod revision (0: no marker). */
  mod = 0;
  /** Takes a marker read at `mod` unless a newer one is known. */
  set(marker: Canary | null, mod: number): void {
    if (mod < this.mod) return;
    this.marker = marker;
    this.mod = mod;
  }
  setKv(kv: KeyValue | undefined | null, mod = kv?.modRevision ?? 0): void {
    this.set(parseCanary(kv), mod);
  }
}

/**
 * The follower's filter: while a canary runs on another node, the changes
 * written after the base revision are kept back; they pass, in order, once
 * the marker says it ended. Fed the watched events in order.
 */
export class Hold {
  #held: WatchEvent[] = [];
  /** The marker as this stream saw it (the shared view may be ahead of it). */
  marker: Canary | null = null;
  /** Changes after the base were skipped (a snapshot at the base): the follow must start again. */
  lost = false;

  constructor(readonly keys: FleetKeys, readonly node: string, readonly view: CanaryView) {}

  holding(): boolean {
    return holds(this.marker, this.node);
  }

  /** The marker from a direct read (a new follow starts with it). */
  start(kv: KeyValue | undefined): void {
    this.#held = [];
    this.lost = false;
    this.marker = parseCanary(kv);
    this.view.setKv(kv);
  }

  /** The events to mirror now; `restart` when the hold ended after a lost stretch. */
  pass(events: WatchEvent[]): { apply: WatchEvent[]; restart: boolean } {
    const out: WatchEvent[] = [];
    for (const e of events) {
      if (e.kv.key === this.keys.canary) {
        const was = this.holding();
        this.marker = e.type === "put" ? parseCanary(e.kv) : null;
        this.view.set(this.marker, e.kv.modRevision);
        if (was && !this.holding()) {
          if (this.lost) return { apply: out, restart: true };
          out.push(...this.#held);
          this.#held = [];
        }
        continue;
      }
      if (this.holding() && e.kv.modRevision > this.marker!.base_revision) this.#held.push(e);
      else out.push(e);
    }
    return { apply: out, restart: false };
  }

  /** A snapshot's marker; the revision to read the records at instead (null: as given). */
  snapshot(kvs: KeyValue[], revision: number): number | null {
    this.#held = [];
    const kv = kvs.find((k) => k.key === this.keys.canary);
    this.marker = parseCanary(kv);
    this.view.setKv(kv);
    if (!this.holding() || revision <= this.marker!.base_revision) return null;
    this.lost = true;
    return baseReadRevision(this.marker!);
  }
}

/** A desired record key (not the generation, not the marker). */
const isRecord = (keys: FleetKeys, k: string) =>
  k.startsWith(keys.desired) && k !== keys.generation && k !== keys.canary &&
  k.slice(keys.desired.length).includes("/");

/** The puts and deletes that make the records `now` what they were in `base`. Pure. */
export function revertOps(
  keys: FleetKeys,
  base: KeyValue[],
  now: KeyValue[],
): { puts: Record<string, string>; deletes: string[] } {
  const was = new Map(base.filter((k) => isRecord(keys, k.key)).map((k) => [k.key, k.value]));
  const puts: Record<string, string> = {};
  const deletes: string[] = [];
  const seen = new Set<string>();
  for (const kv of now) {
    if (!isRecord(keys, kv.key)) continue;
    seen.add(kv.key);
    const v = was.get(kv.key);
    if (v === undefined) deletes.push(kv.key);
    else if (v !== kv.value) puts[kv.key] = v;
  }
  for (const [k, v] of was) if (!seen.has(k)) puts[k] = v;
  return { puts, deletes };
}

/** How a write that runs as a canary went (judged by its caller: the gitops apply). */
export interface CanaryOutcome {
  changed: boolean;
  /** Why the canary's own apply failed (refused entities, a failed round); null: applied. */
  failure: string | null;
}

export interface CanaryService {
  /** Runs `write` as a canary on `node` (this node); answers with what it wrote and the marker. */
  run<T>(
    node: string,
    actor: string,
    write: () => Promise<T>,
    judge: (r: T) => CanaryOutcome,
  ): Promise<{ result: T; canary: Canary }>;
}

// (built here, not with serviceKey(): keeps this module free of the runtime's imports)
export const FLEET_CANARY: ServiceKey<CanaryService> = { id: "fleet-canary" };
