// What a plan shows: the field-level differences of an entity's spec, and the
// unified diff of every nginx file the candidate renders differently.
import type { Runtime } from "../../runtime.ts";
import { jsonEqual, type Rec } from "../../store/store.ts";
import { COMMON_FILE, renderTree } from "../../render/tree.ts";
import { unifiedDiff } from "../../nginx/diff.ts";
import type { FieldChange, FileDiff } from "./model.ts";

/** Leaf-level differences of two specs, as field paths. */
export function fieldDiff(before: unknown, after: unknown, path = ""): FieldChange[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === "object" && !Array.isArray(v);
  if (jsonEqual(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => fieldDiff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((x, i) => fieldDiff(x, after[i], `${path}[${i}]`));
  }
  return [{
    path: path || "(record)",
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  }];
}

/** Per file of the rendered tree that differs (the common file's hash line aside). */
export function fileDiffs(
  rt: Runtime,
  current: Map<string, Rec>,
  candidate: Map<string, Rec>,
): FileDiff[] {
  const ctx = rt.renderContext();
  const render = (m: Map<string, Rec>) =>
    new Map(renderTree(m, ctx, rt.extensions, rt.kinds.list()).map((f) => [f.name, f.text]));
  const [was, will] = [render(current), render(candidate)];
  return [...new Set([...was.keys(), ...will.keys()])].sort()
    .filter((f) => f !== COMMON_FILE && was.get(f) !== will.get(f))
    .map((file) => ({
      file,
      diff: unifiedDiff(was.get(file) ?? "", will.get(file) ?? "", {
        from: `a/${file}`,
        to: `b/${file}`,
      }),
    }));
}
