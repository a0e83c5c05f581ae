// rebuild-db: the state rebuilt from the nginx files on disk. Every record of
// every kind has a sidecar (*.meta.json) in the current generation holding the
// full record, so the rebuild is generic by kind. Where a config file no longer
// has the hash its sidecar recorded (a hand edit), it is parsed back and the
// report says so. It never touches nginx: no reload, no new generation.
import { entityId, putBackOp, type Rec, specOf, type WriteOp } from "../../store/store.ts";
import { type Manifest, sha256, type Sidecar } from "../../nginx/generations.ts";
import { parsableKind, parseBackRecord } from "../../nginx/parse-back.ts";
import { sameRecord } from "../../nginx/reconciler.ts";
import { renderTree } from "../../render/tree.ts";
import { AgentError } from "../../errors.ts";
import { ENTITY_RE } from "../../model/grammar.ts";
import { writeInBatches } from "./batch.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface HandEdit {
  file: string;
  entity: string;
  /** true: the record now holds what the file says; false: the sidecar's record was kept. */
  parsed: boolean;
  message: string;
}

export interface RebuildPlan {
  generation: number | null;
  source: string | null;
  records: Map<string, Rec>;
  hand_edits: HandEdit[];
  unreadable: { file: string; reason: string }[];
  warnings: string[];
}

function splitId(id: string) {
  const i = id.indexOf("/");
  return { kind: id.slice(0, i), name: id.slice(i + 1) };
}

function checkSidecar(s: unknown, file: string): Sidecar {
  const x = s as Partial<Sidecar>;
  const bad = (why: string) => new Error(why);
  if (!x || typeof x !== "object") throw bad("not a JSON object");
  if (typeof x.kind !== "string" || !/^[a-z][a-z0-9_-]*$/.test(x.kind)) throw bad("no valid kind");
  if (typeof x.name !== "string" || !ENTITY_RE.test(x.name)) throw bad("no valid name");
  if (!x.record || typeof x.record !== "object" || x.record.name !== x.name) {
    throw bad("no record, or its name differs from the sidecar's");
  }
  if (file !== `${x.kind}-${x.name}.meta.json`) {
    throw bad(`names ${x.kind}/${x.name}, not this file`);
  }
  return x as Sidecar;
}

/** What a rebuild would import from the current generation, and what it could not read. */
export async function planRebuild(rt: ResilienceRuntime): Promise<RebuildPlan> {
  const g = rt.generations;
  const plan: RebuildPlan = {
    generation: null,
    source: null,
    records: new Map(),
    hand_edits: [],
    unreadable: [],
    warnings: [],
  };
  let n = await g.current();
  // What nginx reads (hand edits included), or the newest backup when no tree is live.
  let dir = g.currentLink;
  let read = (file: string) => Deno.readTextFile(`${dir}/${file}`); // a backup's: below
  if (n === null) {
    n = (await g.numbers()).at(-1) ?? null;
    if (n === null) {
      plan.warnings.push(`no generation on disk under ${g.root}: nothing to rebuild from`);
      return plan;
    }
    plan.warnings.push(`${g.currentLink} is missing; using the newest generation, ${n}`);
    dir = g.pathOf(n);
  }
  plan.generation = n;
  plan.source = dir;
  let manifest: Manifest | null = null;
  try {
    manifest = await g.manifest(n);
    // A backup's files are the texts its manifest names (an older layout: in its directory).
    if (dir !== g.currentLink) read = await g.reader(n, manifest);
  } catch (e) {
    plan.unreadable.push({ file: "manifest.json", reason: (e as Error).message });
  }
  // Sidecar files: from the manifest, else every *.meta.json in the directory.
  const sidecarFiles = new Set<string>(manifest ? Object.values(manifest.entities) : []);
  if (!manifest) {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".meta.json")) sidecarFiles.add(e.name);
    }
  }
  const sidecars = new Map<string, Sidecar>();
  for (const file of [...sidecarFiles].sort()) {
    try {
      const s = checkSidecar(JSON.parse(await read(file)), file);
      sidecars.set(entityId(s.kind, s.name), s);
    } catch (e) {
      plan.unreadable.push({ file, reason: (e as Error).message });
    }
  }
  const state = new Map([...sidecars].map(([id, s]) => [id, s.record]));
  const ctx = rt.renderContext();
  for (const [id, s] of sidecars) {
    let rec = s.record;
    if (s.conf && s.conf_sha256) {
      let text: string | null = null;
      try {
        text = await Deno.readTextFile(`${dir}/${s.conf}`);
      } catch (e) {
        plan.hand_edits.push({
          file: s.conf,
          entity: id,
          parsed: false,
          message: `cannot read it (${(e as Error).message}); the sidecar's record was used`,
        });
      }
      if (text !== null && sha256(text) !== s.conf_sha256) {
        if (!parsableKind(rt.kinds, s.kind)) {
          plan.hand_edits.push({
            file: s.conf,
            entity: id,
            parsed: false,
            message:
              `edited by hand; ${s.kind} files are not parsed back, the sidecar's record was used`,
          });
        } else {
          try {
            const spec = parseBackRecord(rt.kinds, {
              kind: s.kind,
              name: s.name,
              file: s.conf,
              text,
              base: s.record,
              state,
              ctx,
              extensions: rt.extensions,
              renderFiles: (st) => renderTree(st, ctx, rt.extensions, rt.kinds.list()),
            });
            const next = {
              ...spec,
              version: s.record.version,
              created_at: s.record.created_at,
              updated_at: s.record.updated_at,
              ...(s.record.managed_by ? { managed_by: s.record.managed_by } : {}),
            } as Rec;
            const changed = sameRecord(next, s.record)
              ? "only comments or whitespace differ"
              : `fields changed: ${changedFields(s.record, next).join(", ")}`;
            plan.hand_edits.push({
              file: s.conf,
              entity: id,
              parsed: true,
              message: `edited by hand and parsed back (${changed})`,
            });
            rec = next;
          } catch (e) {
            plan.hand_edits.push({
              file: s.conf,
              entity: id,
              parsed: false,
              message: `edited by hand but cannot be parsed back (${
                (e as Error).message
              }); the sidecar's record was used`,
            });
          }
        }
      }
    }
    plan.records.set(id, rec);
  }
  // Config files whose sidecar could not be read: parse them alone.
  for (const [file, entry] of Object.entries(manifest?.files ?? {})) {
    const e = entry.entity;
    if (!e || file !== `${e.kind}-${e.name}.conf`) continue;
    const id = entityId(e.kind, e.name);
    if (plan.records.has(id) || !parsableKind(rt.kinds, e.kind)) continue;
    try {
      const text = await Deno.readTextFile(`${dir}/${file}`);
      const spec = parseBackRecord(rt.kinds, {
        kind: e.kind,
        name: e.name,
        file,
        text,
        base: null,
        state,
        ctx,
        extensions: rt.extensions,
        renderFiles: (st) => renderTree(st, ctx, rt.extensions, rt.kinds.list()),
      });
      plan.records.set(id, { ...spec, version: 1, created_at: "", updated_at: "" } as Rec);
      plan.hand_edits.push({
        file,
        entity: id,
        parsed: true,
        message:
          "its sidecar is unreadable: rebuilt from the nginx text alone (description and extra blocks are not in it)",
      });
    } catch (err) {
      plan.unreadable.push({ file, reason: (err as Error).message });
    }
  }
  for (const src of rt.rebuildSources) {
    try {
      const got = await src.collect(rt, plan.records);
      for (const { kind, record } of got.records) {
        const id = entityId(kind, record.name);
        if (!plan.records.has(id)) plan.records.set(id, record);
      }
      plan.unreadable.push(...got.unreadable);
    } catch (e) {
      plan.unreadable.push({ file: `(${src.name})`, reason: (e as Error).message });
    }
  }
  return plan;
}

function changedFields(a: Rec, b: Rec): string[] {
  const keys = new Set([...Object.keys(specOf(a)), ...Object.keys(specOf(b))]);
  return [...keys].filter((k) =>
    JSON.stringify((a as Record<string, unknown>)[k]) !==
      JSON.stringify((b as Record<string, unknown>)[k])
  ).sort();
}

export interface RebuildReport {
  dry_run: boolean;
  generation: number | null;
  source: string | null;
  records: number;
  kinds: Record<string, { count: number; names: string[] }>;
  hand_edits: HandEdit[];
  unreadable: { file: string; reason: string }[];
  warnings: string[];
  existing_records: number;
  written: number;
  removed: string[];
  /** Changes the next apply would make (empty: it is a no-op). */
  next_apply: { id: string; action: string }[];
}

export function kindsOf(records: Map<string, Rec>): RebuildReport["kinds"] {
  const out: RebuildReport["kinds"] = {};
  for (const id of [...records.keys()].sort()) {
    const { kind, name } = splitId(id);
    (out[kind] ??= { count: 0, names: [] }).names.push(name);
    out[kind].count++;
  }
  return out;
}

/**
 * Rebuilds KV from the plan. Refuses when KV holds records unless `force`
 * (then the state becomes exactly the disk's). Never touches nginx.
 */
export async function rebuildFromDisk(
  rt: ResilienceRuntime,
  opts: { dryRun: boolean; force: boolean; actor: string },
): Promise<RebuildReport> {
  const plan = await planRebuild(rt);
  const existing = await rt.store.all();
  const report: RebuildReport = {
    dry_run: opts.dryRun,
    generation: plan.generation,
    source: plan.source,
    records: plan.records.size,
    kinds: kindsOf(plan.records),
    hand_edits: plan.hand_edits,
    unreadable: plan.unreadable,
    // A state file found corrupted when this agent started was moved aside: say where.
    warnings: [
      ...rt.warnings.filter((w) => w.includes("state file was corrupted")),
      ...plan.warnings,
    ],
    existing_records: existing.size,
    written: 0,
    removed: [],
    next_apply: [],
  };
  if (existing.size && !opts.force) {
    const msg = `the state already holds ${existing.size} record(s); ` +
      "rebuild-db replaces it only with --force (POST /api/config/rebuild-from-disk?force=true)";
    if (opts.dryRun) report.warnings.push(`without --force: ${msg}`);
    else throw new AgentError("CONFLICT", msg, { existing_records: existing.size });
  }
  if (opts.dryRun) return report;
  if (plan.generation === null) {
    throw new AgentError("NOT_FOUND", plan.warnings.join("; ") || "no generation on disk");
  }
  const ops: WriteOp[] = [];
  for (const id of existing.keys()) {
    if (!plan.records.has(id)) ops.push({ type: "delete", ...splitId(id) });
  }
  for (const [id, rec] of plan.records) {
    const { kind, name } = splitId(id);
    ops.push(putBackOp(kind, name, rec, { keepMeta: true }));
  }
  const results = await writeInBatches(rt.store, ops, {
    actor: opts.actor,
    action: "rebuild",
    outcome: "rebuilt",
    message: `rebuilt from ${plan.source}`,
  }, (op) => JSON.stringify(existing.get(entityId(op.kind, op.name)) ?? "").length);
  report.written = results.filter((r) => r.changed && r.after).length;
  report.removed = results.filter((r) => r.changed && !r.after).map((r) =>
    entityId(r.kind, r.name)
  );
  // The rebuilt state must be the disk's, record for record.
  const now = await rt.store.all();
  const wrong = [...plan.records].filter(([id, rec]) => {
    const got = now.get(id);
    return !got || !sameRecord(got, rec);
  }).map(([id]) => id);
  if (wrong.length || now.size !== plan.records.size) {
    throw new AgentError(
      "INTERNAL",
      `the rebuilt state does not match the files on disk: ${wrong.join(", ") || "extra records"}`,
    );
  }
  rt.reconciler.release();
  report.next_apply = (await rt.reconciler.pending()).map((p) => ({ id: p.id, action: p.action }));
  return report;
}
