// `agent restore FILE`: the state from a backup file, then applied like any
// change (tested, reloaded, refused entities put back to what nginx serves).
import { entityId, putBackOp, type Rec, type WriteOp } from "../../store/store.ts";
import { mergeAudit, readBackup } from "../../store/backup.ts";
import { sameRecord } from "../../nginx/reconciler.ts";
import type { ApplyOutcome } from "../../nginx/reconciler.ts";
import { writeInBatches } from "./batch.ts";
import { kindsOf } from "./rebuild.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface RestoreReport {
  dry_run: boolean;
  path: string;
  backup_created_at: string;
  kinds: Record<string, { count: number; names: string[] }>;
  create: string[];
  update: string[];
  delete: string[];
  unchanged: number;
  audit_entries_added: number;
  apply: ApplyOutcome | null;
}

export async function restoreBackup(
  rt: ResilienceRuntime,
  path: string,
  opts: { dryRun: boolean; actor: string },
): Promise<RestoreReport> {
  const b = await readBackup(path, (k) => rt.kinds.secretsOf(k));
  const current = await rt.store.all();
  const target = new Map<string, { rec: Rec }>(
    b.records.map((r) => [entityId(r.kind, r.record.name), { rec: r.record }]),
  );
  const report: RestoreReport = {
    dry_run: opts.dryRun,
    path,
    backup_created_at: b.created_at,
    kinds: kindsOf(new Map([...target].map(([id, t]) => [id, t.rec]))),
    create: [],
    update: [],
    delete: [...current.keys()].filter((id) => !target.has(id)).sort(),
    unchanged: 0,
    audit_entries_added: 0,
    apply: null,
  };
  for (const [id, t] of target) {
    const cur = current.get(id);
    if (!cur) report.create.push(id);
    else if (!sameRecord(cur, t.rec)) report.update.push(id);
    else report.unchanged++;
  }
  report.create.sort();
  report.update.sort();
  if (opts.dryRun) return report;
  const ops: WriteOp[] = report.delete.map((id) => {
    const i = id.indexOf("/");
    return { type: "delete" as const, kind: id.slice(0, i), name: id.slice(i + 1) };
  });
  for (const id of [...report.create, ...report.update]) {
    const { rec } = target.get(id)!;
    ops.push(putBackOp(id.slice(0, id.indexOf("/")), rec.name, rec, { keepMeta: true }));
  }
  if (ops.length) {
    await writeInBatches(rt.store, ops, {
      actor: opts.actor,
      action: "restore",
      message: `restored from ${path} (taken ${b.created_at})`,
    });
  }
  report.audit_entries_added = await mergeAudit(rt.store, b.audit);
  rt.reconciler.release();
  if (ops.length) {
    report.apply = rt.settings.apply_mode === "manual"
      ? await rt.reconciler.submit([])
      : await rt.reconciler.applyNow();
  }
  return report;
}
