// Keep edit / Undo edit from the Drift panel: the resilience feature's absorb
// and rewrite, each recorded in the audit log with the diff the operator saw
// (what the agent wrote -> what was on disk), so the audit says what was kept
// or thrown away.
import { invalid } from "../../errors.ts";
import { appendAudit } from "../../store/audit.ts";
import { runDriftCheck } from "../resilience/drift-run.ts";
import { absorbFile } from "../resilience/absorb.ts";
import { rewriteFiles } from "../resilience/rewrite.ts";
import type { ResilienceRuntime } from "../resilience/settings.ts";
import type { DriftFile } from "../../nginx/drift.ts";

async function drifted(rt: ResilienceRuntime, file: string): Promise<DriftFile> {
  const report = await runDriftCheck(rt);
  const f = report.files.find((x) => x.file === file || x.path === file);
  if (!f) throw invalid("file", `${file} has not drifted (Check now to see the current state)`);
  return f;
}

async function record(
  rt: ResilienceRuntime,
  action: string,
  f: DriftFile,
  actor: string,
  message: string,
  generation: number | null,
) {
  await appendAudit(rt.store.kv, {
    at: new Date().toISOString(),
    actor,
    action,
    entity: { kind: "file", name: f.file },
    before: null,
    after: null,
    outcome: "done",
    message,
    generation,
    detail: { path: f.path, status: f.status, entity: f.entity, diff: f.diff },
  });
}

/** Keep edit: the hand-edited file becomes the state (absorb), audited with its diff. */
export async function keepEdit(rt: ResilienceRuntime, file: string, actor: string) {
  const f = await drifted(rt, file);
  const res = await absorbFile(rt, f.path, actor);
  await record(
    rt,
    "drift.kept",
    f,
    actor,
    `kept the hand edit of ${f.file}: ${res.message}`,
    rt.reconciler.currentGeneration,
  );
  return { file: f.file, diff: f.diff, kept: true, entity: res.entity, record: res.record };
}

/** Undo edit: the file goes back to what the agent wrote (rewrite), audited with its diff. */
export async function undoEdit(rt: ResilienceRuntime, file: string, actor: string) {
  const f = await drifted(rt, file);
  const res = await rewriteFiles(rt, [f.path]);
  await record(
    rt,
    "drift.undone",
    f,
    actor,
    `undid the hand edit of ${f.file}${res.reloaded ? "; nginx reloaded" : ""}`,
    res.generation,
  );
  return { file: f.file, diff: f.diff, undone: true, ...res };
}
