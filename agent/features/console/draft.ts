// A draft's nginx text before it is saved: the record as typed, validated by its
// kind, rendered with the rest of the state (nothing is stored), and diffed
// against the file nginx serves now. `line` (nginx's file:line after a refusal)
// is mapped to the form field that produced it.
import { AgentError, notFound } from "../../errors.ts";
import type { Runtime } from "../../runtime.ts";
import { renderTree } from "../../render/tree.ts";
import { confFileName } from "../../render/files.ts";
import { unifiedDiff } from "../../nginx/diff.ts";
import type { Rec } from "../../store/store.ts";
import { fieldAtLine } from "./line-field.ts";

export interface DraftPreview {
  file: string;
  text: string;
  /** What the current generation holds for that file ("" when none). */
  served: string;
  diff: string;
  changed: boolean;
  mark: { line: number; text: string; field: string | null } | null;
}

export async function previewDraft(
  rt: Runtime,
  plural: string,
  name: string,
  body: unknown,
  line?: number,
): Promise<DraftPreview> {
  const kind = rt.kinds.list().find((k) => k.plural === plural && k.render);
  if (!kind) throw new AgentError("NOT_FOUND", `no previewable kind: ${plural}`);
  const spec = kind.parse(name, body, rt.settings) as Record<string, unknown>;
  const records = await rt.store.all();
  const id = `${kind.name}/${name}`;
  const old = records.get(id);
  const draft = { ...old, ...spec, name, version: old?.version ?? 0 } as unknown as Rec;
  records.set(id, draft);
  const file = confFileName(kind.name, name);
  const files = renderTree(records, rt.renderContext(), rt.extensions, rt.kinds.list());
  const f = files.find((x) => x.name === file);
  if (!f) throw notFound(`${kind.name} file`, name);
  const n = rt.reconciler.currentGeneration;
  const served = n === null
    ? ""
    : await rt.generations.reader(n).then((read) => read(file)).catch(() => "");
  const diff = unifiedDiff(served, f.text, { from: `served/${file}`, to: `draft/${file}` });
  let mark: DraftPreview["mark"] = null;
  if (line !== undefined && line >= 1) {
    const lines = f.text.split("\n");
    mark = {
      line,
      text: lines[line - 1] ?? "",
      field: fieldAtLine(kind.name, spec, lines, line),
    };
  }
  return { file, text: f.text, served, diff, changed: served !== f.text, mark };
}
