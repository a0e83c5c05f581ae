// Applies a MirrorUpdate (records another node wrote) to the local KV: raw
// record puts and deletes with their index claims recomputed here, in atomic
// operations of bounded size. A snapshot larger than one operation lands in
// several; the revision (`meta`) is in the last, so a crash part-way resumes
// from the older revision and applies the rest again.
import { deleteJson, type Head, readJson, setJson } from "./kvjson.ts";
import { type Mutation, Recorder } from "./group.ts";
import { type Rec, recordSpec } from "./ops.ts";
import { canonical } from "./canonical.ts";
import type { MirrorUpdate } from "./shared.ts";
import { commitAtomic } from "./commit.ts";

const REC = "rec";
const IDX = "idx";
const BATCH = 800;
const WRITES = ["meta", "writes"]; // store.ts's counter of committed writes

export interface MirrorBatch {
  muts: Mutation[];
  ids: string[];
}

type ClaimsOf = (kind: string, spec: { name: string }) => string[][];

/** The atomic operations that apply `u` (the last holds `u.meta`). */
export async function mirrorBatches(
  kv: Deno.Kv,
  claimsOf: ClaimsOf,
  u: MirrorUpdate,
): Promise<MirrorBatch[]> {
  const changes = new Map(u.changes.map((c) => [`${c.kind}/${c.name}`, c]));
  if (u.replace) {
    for await (const h of kv.list<Head>({ prefix: [REC] })) {
      if (h.key.length !== 3) continue;
      const [kind, name] = [String(h.key[1]), String(h.key[2])];
      const id = `${kind}/${name}`;
      if (u.replace(kind) && !changes.has(id)) changes.set(id, { kind, name, rec: null });
    }
  }
  const out: MirrorBatch[] = [];
  let cur: MirrorBatch = { muts: [], ids: [] };
  for (const [id, c] of changes) {
    const key = [REC, c.kind, c.name];
    const head = await kv.get<Head>(key);
    const old = head.value === null ? null : await readJson<Rec>(kv, head as Deno.KvEntry<Head>);
    const oldIdx = (old as { _idx?: string[][] } | null)?._idx ?? [];
    const r = new Recorder();
    if (!c.rec) {
      if (!old) continue;
      deleteJson(r, key, head.value);
      for (const k of oldIdx) r.delete([IDX, ...k]);
    } else {
      const { _idx: _i, ...rec } = c.rec as Rec & { _idx?: unknown };
      const idx = claimsOf(c.kind, { ...recordSpec(rec as Rec), name: c.name });
      const stored = idx.length ? { ...rec, _idx: idx } : rec;
      if (old && canonical(old) === canonical(stored)) continue;
      const keep = new Set(idx.map((k) => JSON.stringify(k)));
      for (const k of oldIdx) if (!keep.has(JSON.stringify(k))) r.delete([IDX, ...k]);
      for (const k of idx) r.set([IDX, ...k], id);
      setJson(r, key, stored, head.value);
    }
    if (cur.muts.length && cur.muts.length + r.muts.length > BATCH) {
      out.push(cur);
      cur = { muts: [], ids: [] };
    }
    cur.muts.push(...r.muts);
    cur.ids.push(id);
  }
  cur.muts.push(...u.meta);
  out.push(cur);
  return out;
}

/** Commits `u` to `kv`; `committed` hears each batch that changed records (the store's seq). */
export async function applyMirror(
  kv: Deno.Kv,
  claimsOf: ClaimsOf,
  u: MirrorUpdate,
  committed: (ids: string[]) => void,
): Promise<string[]> {
  const ids: string[] = [];
  for (const b of await mirrorBatches(kv, claimsOf, u)) {
    if (!b.muts.length) continue;
    const op = kv.atomic();
    for (const m of b.muts) m.type === "set" ? op.set(m.key, m.value) : op.delete(m.key);
    if (b.ids.length) op.sum(WRITES, 1n);
    const res = await commitAtomic(op);
    if (!res.ok) throw new Error("mirror: the local state file refused the write");
    if (b.ids.length) committed(b.ids);
    ids.push(...b.ids);
  }
  return ids;
}
