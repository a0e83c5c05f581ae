// The fleet's write: the changed desired keys and `desired/generation` + 1 in
// one etcd transaction guarded by the generation's mod revision, so every
// write is one generation and no two writers interleave (the spec's If-Match).
// A write whose answer was lost (the member died mid-call) is resolved by
// reading back: the generation and every key it put share one revision and
// hold its values only if it was applied.
import { AgentError } from "../errors.ts";
import { type Compare, type Etcd, If, type Op, op } from "./etcd.ts";
import type { FleetKeys } from "./keys.ts";

export interface DesiredWrite {
  /** Full keys under `desired/` and their new values. */
  puts?: Record<string, string>;
  /** Full keys under `desired/` to delete. */
  deletes?: string[];
  /** More conditions, e.g. a record's mod revision for a per-record If-Match. */
  compare?: Compare[];
  /** The generation's mod revision the writer saw: anything written since is a 412. */
  expectRevision?: number;
}

export interface Committed {
  generation: number;
  /** The etcd revision of the transaction (every key it wrote has it as mod revision). */
  revision: number;
  /** Known only by reading back, after a lost answer. */
  resolved?: boolean;
}

/** The current generation and the revision it was written at (0, 0 before the first write). */
export async function readGeneration(
  etcd: Etcd,
  keys: FleetKeys,
): Promise<{ generation: number; revision: number }> {
  const kv = await etcd.get(keys.generation);
  return { generation: kv ? Number(kv.value) : 0, revision: kv?.modRevision ?? 0 };
}

function checkKeys(keys: FleetKeys, w: DesiredWrite): void {
  for (const k of [...Object.keys(w.puts ?? {}), ...(w.deletes ?? [])]) {
    if (!k.startsWith(keys.desired) || k === keys.generation) {
      throw new AgentError("INTERNAL", `desired write: ${k} is not a desired key`, { key: k });
    }
  }
}

/** An etcd write whose answer was lost: it may or may not have committed. */
export const ambiguous = (e: unknown) =>
  e instanceof AgentError && e.code === "SHARED_STORE_UNAVAILABLE" && e.detail.ambiguous === true;

/** Whether the write that made `generation` is this one (read back after a lost answer). */
async function appliedAs(
  etcd: Etcd,
  keys: FleetKeys,
  w: DesiredWrite,
  generation: number,
): Promise<Committed | undefined> {
  const gen = await etcd.get(keys.generation);
  if (!gen || Number(gen.value) !== generation) return undefined;
  for (const [k, v] of Object.entries(w.puts ?? {})) {
    const kv = await etcd.get(k, { revision: gen.modRevision });
    if (!kv || kv.value !== v || kv.modRevision !== gen.modRevision) return undefined;
  }
  for (const k of w.deletes ?? []) {
    if (await etcd.get(k, { revision: gen.modRevision })) return undefined;
  }
  return { generation, revision: gen.modRevision, resolved: true };
}

/**
 * Commits `w` as the next generation. Without `expectRevision`, a concurrent
 * writer is waited out by trying again on the new generation (up to
 * `attempts`); with it, or when a `compare` fails, it is PRECONDITION_FAILED.
 */
export async function commitDesired(
  etcd: Etcd,
  keys: FleetKeys,
  w: DesiredWrite,
  o: { attempts?: number } = {},
): Promise<Committed> {
  checkKeys(keys, w);
  const attempts = o.attempts ?? 5;
  const state: { lost?: { generation: number; error: unknown } } = {};
  try {
    return await attempt(etcd, keys, w, attempts, state);
  } catch (e) {
    // Once an answer was lost, a later failure to reach etcd leaves it unknown: say so.
    if (state.lost && e instanceof AgentError && e.code === "SHARED_STORE_UNAVAILABLE") {
      throw state.lost.error;
    }
    throw e;
  }
}

async function attempt(
  etcd: Etcd,
  keys: FleetKeys,
  w: DesiredWrite,
  attempts: number,
  state: { lost?: { generation: number; error: unknown } },
): Promise<Committed> {
  for (let i = 0; i < attempts; i++) {
    const lost = state.lost;
    const cur = await readGeneration(etcd, keys);
    // Our earlier attempt may have landed after all (its answer was lost).
    if (lost && cur.generation >= lost.generation) {
      const ours = await appliedAs(etcd, keys, w, lost.generation);
      if (ours) return ours;
    }
    if (w.expectRevision !== undefined && cur.revision !== w.expectRevision) {
      throw stale(keys, cur, w.expectRevision);
    }
    const next = cur.generation + 1;
    const ops: Op[] = [
      ...Object.entries(w.puts ?? {}).map(([k, v]) => op.put(k, v)),
      ...(w.deletes ?? []).map((k) => op.delete(k)),
      op.put(keys.generation, String(next)),
    ];
    const extra = w.compare ?? [];
    try {
      const t = await etcd.txn({
        // A join still copying a host's state holds `joining`: no write mixes into it.
        compare: [If.mod(keys.generation, "==", cur.revision), If.missing(keys.joining), ...extra],
        success: ops,
        failure: [
          op.range(keys.generation),
          op.range(keys.joining),
          ...extra.map((c) => op.range(c.key)),
        ],
      });
      if (t.succeeded) return { generation: next, revision: t.revision };
      const [gen, join, ...others] = t.responses;
      const joining = join.type === "range" ? join.kvs[0] : undefined;
      if (joining) throw joinInProgress(keys, joining.value);
      const genMod = gen.type === "range" ? gen.kvs[0]?.modRevision ?? 0 : 0;
      if (genMod === cur.revision) {
        // The generation held: one of the caller's conditions failed.
        throw new AgentError("PRECONDITION_FAILED", "desired write: a condition no longer holds", {
          current: others.map((r, j) => ({
            key: extra[j].key,
            mod_revision: r.type === "range" ? r.kvs[0]?.modRevision ?? 0 : 0,
          })),
        });
      }
      // Another writer was first: try again on its generation (or 412 if pinned).
    } catch (e) {
      if (!ambiguous(e)) throw e;
      state.lost = { generation: next, error: e };
      const ours = await appliedAs(etcd, keys, w, next).catch(() => undefined);
      if (ours) return ours;
      // Unknown yet, or not applied: the next attempt reads again first.
    }
  }
  if (state.lost) throw state.lost.error;
  throw new AgentError("CONFLICT", `desired write: other writers kept winning (${attempts} tries)`);
}

/** The answer to a write while `agent fleet join` copies a host's state into the fleet. */
export function joinInProgress(keys: FleetKeys, value: string): AgentError {
  let who: { node?: string; started_at?: string } = {};
  try {
    who = JSON.parse(value);
  } catch { /* not ours: named as unknown */ }
  return new AgentError(
    "CONFLICT",
    `a join of node ${who.node ?? "(unknown)"} into this fleet is under way (since ${
      who.started_at ?? "?"
    }): no write until it is done; if it was interrupted, run \`agent fleet join\` again on that ` +
      `node, or clear ${keys.desired} (etcdctl del --prefix)`,
    { key: keys.joining, joining: who },
  );
}

function stale(
  keys: FleetKeys,
  cur: { generation: number; revision: number },
  expected: number,
): AgentError {
  return new AgentError(
    "PRECONDITION_FAILED",
    `the desired state changed since revision ${expected}: it is at generation ${cur.generation} (revision ${cur.revision})`,
    { key: keys.generation, generation: cur.generation, revision: cur.revision },
  );
}
