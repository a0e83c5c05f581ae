// absorb-file: a hand-edited pool or site file becomes the state. The file is
// parsed back into the record (refused with the first line the model cannot
// express), then the change takes the normal path: store.write, then the
// reconciler applies it as a new generation.
import { AgentError, invalid } from "../../errors.ts";
import { parsableKind, parseBackRecord } from "../../nginx/parse-back.ts";
import { sameRecord } from "../../nginx/reconciler.ts";
import {
  assertNotManaged,
  type ChangeResult,
  submitChange,
  writeChange,
} from "../../changes/apply.ts";
import { sitePutOp } from "../../kinds/site/changes.ts";
import type { SiteSpec } from "../../kinds/site/schema.ts";
import type { WriteOp } from "../../store/store.ts";
import { confFileName, renderTree } from "../../render/tree.ts";
import { resolveManagedFile } from "./files.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface AbsorbResult extends ChangeResult {
  file: string;
  entity: { kind: string; name: string };
  message: string;
}

export async function absorbFile(
  rt: ResilienceRuntime,
  path: unknown,
  actor: string,
): Promise<AbsorbResult> {
  const mf = await resolveManagedFile(rt, path);
  const m = await rt.generations.manifest(mf.generation);
  const entry = m.files[mf.file];
  if (!entry) {
    throw invalid(
      "path",
      `${mf.file} is not a config file the agent wrote in generation ${mf.generation} (sidecars and added files cannot be absorbed; rewrite-file restores or removes them)`,
    );
  }
  const e = entry.entity;
  if (!e || !parsableKind(rt.kinds, e.kind) || mf.file !== confFileName(e.kind, e.name)) {
    throw invalid(
      "path",
      `${mf.file} is rendered from ${
        e ? `${e.kind} "${e.name}"` : "no single record"
      }: only pool-*.conf and site-*.conf files can be absorbed; change it through the API`,
    );
  }
  const id = `${e.kind}/${e.name}`;
  const applied = rt.reconciler.applied.get(id);
  if (!applied) throw invalid("path", `${id} is not in the applied state`);
  assertNotManaged(applied, e.kind);
  let text: string;
  try {
    text = await Deno.readTextFile(mf.abs);
  } catch {
    throw invalid(
      "path",
      `${mf.file} was deleted: there is nothing to absorb (rewrite-file restores it)`,
    );
  }
  const spec = parseBackRecord(rt.kinds, {
    kind: e.kind,
    name: e.name,
    file: mf.file,
    text,
    base: applied,
    state: rt.reconciler.applied,
    ctx: rt.renderContext(),
    extensions: rt.extensions,
    renderFiles: (state) => renderTree(state, rt.renderContext(), rt.extensions, rt.kinds.list()),
  });
  const results = await writeChange(rt, async () => {
    const cur = await rt.store.get(e.kind, e.name);
    assertNotManaged(cur, e.kind);
    if (!cur || !sameRecord(cur, applied)) {
      throw new AgentError(
        "CONFLICT",
        `${id} has changes that are not applied yet: apply or undo them before absorbing ${mf.file}`,
        { entity: e },
      );
    }
    const op: WriteOp = e.kind === "site"
      ? await sitePutOp(rt, spec as SiteSpec & { name: string }, cur.version)
      : { type: "put", kind: e.kind, name: e.name, spec, ifMatch: cur.version };
    return { ops: [op], actor, action: `${e.kind}.absorb` };
  });
  const r = await submitChange(rt, results);
  return {
    ...r,
    file: mf.file,
    entity: e,
    message: r.changed
      ? `${mf.file} absorbed into ${e.kind} "${e.name}"`
      : `${mf.file} differs only in comments or whitespace: nothing to absorb (rewrite-file restores the file)`,
  };
}
