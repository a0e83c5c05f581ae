// The store's shared state in etcd: the desired records under
// `desired/<kind>/<name>` (the stored record JSON: spec, version, timestamps,
// owner; no claims, each node computes them), written with `commitDesired`
// guarded by the generation revision this node's mirror is at. The mirror's
// revision and generation are kept in the local KV under META.
import { AgentError } from "../../errors.ts";
import type { Etcd, KeyValue, WatchEvent } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";
import { commitDesired, readGeneration } from "../../fleet/desired.ts";
import { If } from "../../fleet/etcd.ts";
import { type CanaryView, holds } from "../../fleet/canary.ts";
import type { FollowUpdate } from "../../fleet/follow.ts";
import type { Mutation } from "../../store/group.ts";
import type { Rec, WriteResult } from "../../store/ops.ts";
import type { MirrorUpdate, SharedStore } from "../../store/shared.ts";
import { EJECTION_KIND } from "../health/ejection.ts";

/** Where the local KV records the desired state it mirrors. */
export const META = ["meta", "fleet"];

export interface MirrorAt {
  /** The mod revision of `desired/generation` the mirror holds (0: nothing yet). */
  revision: number;
  generation: number;
}

/** Kinds that stay this node's own: health ejections are what this node's probes saw. */
const LOCAL_KINDS = new Set([EJECTION_KIND]);

export const covers = (kind: string) => !LOCAL_KINDS.has(kind);

export async function mirrorAt(kv: Deno.Kv): Promise<MirrorAt> {
  return (await kv.get<MirrorAt>(META)).value ?? { revision: 0, generation: 0 };
}

const metaSet = (at: MirrorAt): Mutation => ({ type: "set", key: META, value: at });

/** kind and name of a `desired/<kind>/<name>` key (undefined: the generation or a stranger). */
function recordKey(keys: FleetKeys, key: string): { kind: string; name: string } | undefined {
  if (!key.startsWith(keys.desired) || key === keys.generation) return undefined;
  const rest = key.slice(keys.desired.length);
  const i = rest.indexOf("/");
  return i > 0 && i < rest.length - 1
    ? { kind: rest.slice(0, i), name: rest.slice(i + 1) }
    : undefined;
}

function recOf(kv: KeyValue): Rec | null {
  try {
    const v = JSON.parse(kv.value);
    return v && typeof v === "object" ? v as Rec : null;
  } catch {
    return null; // not a record this version wrote: left out
  }
}

/** The mirror update a full snapshot of `desired/` makes: it replaces every shared record. */
export function snapshotUpdate(keys: FleetKeys, kvs: KeyValue[]): MirrorUpdate {
  const changes: MirrorUpdate["changes"] = [];
  let at: MirrorAt = { revision: 0, generation: 0 };
  for (const kv of kvs) {
    if (kv.key === keys.generation) {
      at = { revision: kv.modRevision, generation: Number(kv.value) };
      continue;
    }
    const k = recordKey(keys, kv.key);
    const rec = k && covers(k.kind) ? recOf(kv) : null;
    if (k && rec) changes.push({ ...k, rec });
  }
  // No generation: no fleet yet (a join still copying a host's state): none of it is mirrored.
  return { changes: at.revision ? changes : [], replace: covers, meta: [metaSet(at)] };
}

/** The update a batch of watched changes makes: only revisions the mirror lacks. */
export function changesUpdate(
  keys: FleetKeys,
  events: WatchEvent[],
  from: MirrorAt,
): MirrorUpdate | null {
  const changes: MirrorUpdate["changes"] = [];
  let at = from;
  for (const e of events) {
    if (e.kv.modRevision <= from.revision) continue; // this node's own write, or caught up
    if (e.kv.key === keys.generation) {
      if (e.type === "put") at = { revision: e.kv.modRevision, generation: Number(e.kv.value) };
      continue;
    }
    const k = recordKey(keys, e.kv.key);
    if (!k || !covers(k.kind)) continue;
    changes.push({ ...k, rec: e.type === "put" ? recOf(e.kv) : null });
  }
  return changes.length || at !== from ? { changes, meta: [metaSet(at)] } : null;
}

/**
 * The update a follow() step makes against what the mirror holds. A snapshot
 * older than the mirror (a write caught up while it was read) is left out:
 * the changes after it bring nothing the mirror lacks.
 */
export function followUpdate(keys: FleetKeys, u: FollowUpdate, from: MirrorAt) {
  if (u.type === "changes") return changesUpdate(keys, u.events, from);
  const snap = snapshotUpdate(keys, u.kvs);
  const at = (snap.meta[0] as { value: MirrorAt }).value;
  return at.revision < from.revision ? null : snap;
}

/** etcd refuses a transaction of more than 128 operations (--max-txn-ops); one is the generation. */
export const MAX_TXN_RECORDS = 127;

export class EtcdShared implements SharedStore {
  readonly maxRecords = MAX_TXN_RECORDS;
  constructor(
    readonly etcd: Etcd,
    readonly keys: FleetKeys,
    readonly kv: Deno.Kv,
    readonly node = "",
    readonly canary: CanaryView | null = null,
  ) {}

  /**
   * While a canary runs on another node this one holds at the base: a write
   * taken here would be applied here at once, so it is refused (the canary
   * node's own writes join the canary).
   */
  #refuseWhileHeld(): void {
    const c = this.canary?.marker ?? null;
    if (!holds(c, this.node)) return;
    throw new AgentError(
      "CONFLICT",
      `a canary runs on ${c!.node} (started ${c!.started_at}): writes go to ${
        c!.node
      } or wait until it is promoted or aborted (agent fleet status; agent fleet canary abort)`,
      { canary: c!.id, node: c!.node },
    );
  }

  covers(kind: string): boolean {
    return covers(kind);
  }

  async commit(results: readonly WriteResult[]): Promise<Mutation[]> {
    const last = new Map<string, WriteResult>(); // a group may write a record twice: the last counts
    for (const r of results) if (r.changed && covers(r.kind)) last.set(`${r.kind}/${r.name}`, r);
    if (!last.size) return [];
    if (last.size > this.maxRecords) {
      throw new AgentError(
        "VALIDATION_FAILED",
        `change is too large for one etcd transaction (${last.size} records, at most ${this.maxRecords})`,
        { records: last.size },
      );
    }
    const puts: Record<string, string> = {};
    const deletes: string[] = [];
    for (const [id, r] of last) {
      const key = this.keys.desired + id;
      if (r.after) puts[key] = JSON.stringify(r.after);
      else deletes.push(key);
    }
    for (let i = 0;; i++) {
      this.#refuseWhileHeld();
      const at = await mirrorAt(this.kv);
      const view = this.canary;
      try {
        const c = await commitDesired(this.etcd, this.keys, {
          puts,
          deletes,
          expectRevision: at.revision,
          // The marker as this node knows it: a canary started meanwhile refuses the write.
          compare: view ? [If.mod(this.keys.canary, "==", view.mod)] : [],
        }, { attempts: 3 }); // with expectRevision, attempts only settle a lost answer
        return [metaSet({ revision: c.revision, generation: c.generation })];
      } catch (e) {
        const moved = view && e instanceof AgentError && e.code === "PRECONDITION_FAILED" &&
          Array.isArray(e.detail.current);
        if (!moved || i >= 2) throw e;
        view.setKv(await this.etcd.get(this.keys.canary)); // then refused, or tried again
      }
    }
  }

  isStale(e: unknown): boolean {
    return e instanceof AgentError && e.code === "PRECONDITION_FAILED" &&
      e.detail.key === this.keys.generation;
  }

  /**
   * The changes since the mirror's revision, from etcd's history (cheap: what
   * others wrote, not the whole state); a full snapshot when there is no
   * mirror yet, or the history was compacted or does not come within 3 s.
   */
  async catchUp(apply: (u: MirrorUpdate) => Promise<string[]>): Promise<void> {
    this.#refuseWhileHeld(); // (the follower brings the held changes once it ends)
    const from = await mirrorAt(this.kv);
    const to = await readGeneration(this.etcd, this.keys);
    if (from.revision && to.revision > from.revision) {
      const events = await this.#history(from.revision, to.revision).catch(() => null);
      if (events) {
        await apply(changesUpdate(this.keys, events, from) ?? { changes: [], meta: [] });
        return;
      }
    }
    const snap = await this.etcd.rangeAll(this.keys.desired);
    await apply(snapshotUpdate(this.keys, snap.kvs));
  }

  /** The events after `from` up to the generation written at `to` (null: not within 3 s). */
  async #history(from: number, to: number): Promise<WatchEvent[] | null> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 3000);
    const events: WatchEvent[] = [];
    const o = { prefix: true, startRevision: from + 1, signal: ctl.signal };
    try {
      for await (const b of this.etcd.watch(this.keys.desired, o)) {
        events.push(...b.events); // a revision is never split across batches
        const reached = b.events.some((e) =>
          e.kv.key === this.keys.generation && e.kv.modRevision >= to
        );
        if (reached) return events;
      }
      return null;
    } finally {
      clearTimeout(timer);
      ctl.abort();
    }
  }
}
