// Generations as history: the difference between any two, and a rollback that
// makes an old generation current again through the normal pipeline (its
// records become the state, then they are tested, swapped in and reloaded).
import { notFound } from "../../errors.ts";
import type { Generations, Manifest } from "../../nginx/generations.ts";
import { type ApplyOutcome, sameRecord } from "../../nginx/reconciler.ts";
import { entityId, putBackOp, type WriteOp } from "../../store/store.ts";
import { unifiedDiff } from "../../nginx/diff.ts";
import { writeInBatches } from "./batch.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface GenerationDiff {
  from: number;
  to: number;
  config_hash: { from: string; to: string };
  files: { file: string; status: "added" | "removed" | "changed"; diff: string }[];
  entities: { added: string[]; removed: string[]; changed: string[] };
}

async function existing(g: Generations, n: number) {
  try {
    return await g.manifest(n);
  } catch {
    throw notFound("generation", String(n));
  }
}

async function texts(
  g: Generations,
  n: number,
  m: Manifest,
): Promise<(file: string) => Promise<string>> {
  const read = await g.reader(n, m);
  return (file) => read(file).catch(() => "");
}

/** Config file and record differences from generation a to generation b. */
export async function diffGenerations(
  g: Generations,
  a: number,
  b: number,
): Promise<GenerationDiff> {
  const [ma, mb] = [await existing(g, a), await existing(g, b)];
  const files: GenerationDiff["files"] = [];
  const [ta, tb] = [await texts(g, a, ma), await texts(g, b, mb)];
  const names = [...new Set([...Object.keys(ma.files), ...Object.keys(mb.files)])].sort();
  for (const f of names) {
    const inA = f in ma.files;
    const inB = f in mb.files;
    if (inA && inB && ma.files[f].sha256 === mb.files[f].sha256) continue;
    const labels = { from: `generation ${a}/${f}`, to: `generation ${b}/${f}` };
    files.push({
      file: f,
      status: !inA ? "added" : !inB ? "removed" : "changed",
      diff: unifiedDiff(inA ? await ta(f) : "", inB ? await tb(f) : "", labels),
    });
  }
  const [sa, sb] = [await g.sidecars(a), await g.sidecars(b)];
  const ids = [...new Set([...sa.keys(), ...sb.keys()])].sort();
  return {
    from: a,
    to: b,
    config_hash: { from: ma.config_hash, to: mb.config_hash },
    files,
    entities: {
      added: ids.filter((id) => !sa.has(id)),
      removed: ids.filter((id) => !sb.has(id)),
      changed: ids.filter((id) =>
        sa.has(id) && sb.has(id) && !sameRecord(sa.get(id)!.record, sb.get(id)!.record)
      ),
    },
  };
}

export interface RollbackResult {
  rolled_back_to: number;
  changed: string[];
  generation: number | null;
  config_hash: string | null;
  /** The new generation renders exactly what generation n held. */
  same_config_as_target: boolean;
  apply: ApplyOutcome | null;
}

/**
 * Makes generation n's records the state and applies them now (whatever the
 * apply mode): a new generation equal to n, tested and reloaded like any apply.
 */
export async function rollback(
  rt: ResilienceRuntime,
  n: number,
  actor: string,
): Promise<RollbackResult> {
  const m = await existing(rt.generations, n);
  const target = new Map([...(await rt.generations.sidecars(n))].map(([id, s]) => [id, s.record]));
  const current = await rt.store.all();
  const ops: WriteOp[] = [];
  for (const id of current.keys()) {
    if (!target.has(id)) {
      const i = id.indexOf("/");
      ops.push({ type: "delete", kind: id.slice(0, i), name: id.slice(i + 1) });
    }
  }
  for (const [id, rec] of target) {
    if (sameRecord(current.get(id), rec)) continue;
    ops.push(putBackOp(id.slice(0, id.indexOf("/")), rec.name, rec));
  }
  const results = ops.length
    ? await writeInBatches(rt.store, ops, {
      actor,
      action: "rollback",
      message: `rollback to generation ${n}`,
    })
    : [];
  const changed = results.filter((r) => r.changed).map((r) => entityId(r.kind, r.name)).sort();
  // The state is now exactly generation n's, as after a rebuild: a lost-state hold no longer applies.
  rt.reconciler.release();
  // Rejects with the error when nothing could be applied; refused entities are in the outcome.
  const apply = await rt.reconciler.applyNow();
  return {
    rolled_back_to: n,
    changed,
    generation: rt.reconciler.currentGeneration,
    config_hash: rt.reconciler.currentHash,
    same_config_as_target: rt.reconciler.currentHash === m.config_hash,
    apply,
  };
}
