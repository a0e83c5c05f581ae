// Manual mode: pending changes as diffs (what nginx serves -> what the state
// would render) and Discard, which puts the record back as it was last applied.
import { invalid } from "../../errors.ts";
import { putBackOp } from "../../store/store.ts";
import { renderTree } from "../../render/tree.ts";
import { confFileName } from "../../render/files.ts";
import { unifiedDiff } from "../../nginx/diff.ts";
import type { Runtime } from "../../runtime.ts";
import { writeChange } from "../../changes/apply.ts";

export async function pendingDiffs(rt: Runtime) {
  const pending = await rt.reconciler.pending();
  if (!pending.length) return { pending: [] };
  const files = renderTree(
    await rt.store.all(),
    rt.renderContext(),
    rt.extensions,
    rt.kinds.list(),
  );
  const n = rt.reconciler.currentGeneration;
  const read = n === null ? null : await rt.generations.reader(n).catch(() => null);
  const out = [];
  for (const p of pending.slice(0, 200)) {
    const i = p.id.indexOf("/");
    const file = confFileName(p.id.slice(0, i), p.id.slice(i + 1));
    const want = files.find((f) => f.name === file)?.text ?? "";
    const served = read === null ? "" : await read(file).catch(() => "");
    out.push({
      ...p,
      file,
      diff: unifiedDiff(served, want, { from: `served/${file}`, to: `pending/${file}` }),
    });
  }
  return { pending: out, total: pending.length };
}

export async function discardPending(rt: Runtime, id: string, actor: string) {
  const pending = await rt.reconciler.pending();
  if (!pending.some((p) => p.id === id)) throw invalid("id", `${id} has no pending change`);
  const i = id.indexOf("/");
  const [kind, name] = [id.slice(0, i), id.slice(i + 1)];
  const applied = rt.reconciler.applied.get(id) ?? null;
  // Refused during a lost-state hold, like every operator write.
  await writeChange(rt, () => ({
    ops: [putBackOp(kind, name, applied, { keepMeta: true })],
    actor,
    action: "discard",
    outcome: "discarded",
    message: `discarded the pending change of ${id}`,
  }));
  return { discarded: id, restored: applied ? applied.version : null };
}
