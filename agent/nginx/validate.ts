// The desired state (pending changes included) rendered and proven without
// applying anything: previews and `POST /api/config/validate`.
import type { Rec } from "../store/store.ts";
import { configHash, type RenderedFile, renderTree } from "../render/tree.ts";
import type { ReconcilerDeps } from "./deps.ts";
import { mapNginxError, type MappedError, relabelCandidate } from "./error-map.ts";

export interface Validation {
  ok: boolean;
  output: string;
  include_found: boolean;
  error?: MappedError;
}

/** Renders the desired state (or `candidate`, a declarative plan's) without writing anything. */
export async function renderDesired(
  deps: ReconcilerDeps,
  candidate?: Map<string, Rec>,
): Promise<{ files: RenderedFile[]; records: Map<string, Rec> }> {
  const records = candidate ?? await deps.store.all();
  return {
    files: renderTree(records, deps.renderContext(), deps.extensions ?? [], deps.kinds),
    records,
  };
}

/** `nginx -t` of the desired state (or `candidate`) in a scratch generation that is thrown away. */
export async function validateDesired(
  deps: ReconcilerDeps,
  candidate?: Map<string, Rec>,
): Promise<Validation> {
  const { files, records } = await renderDesired(deps, candidate);
  const staged = await deps.generations.stage(files, records, configHash(files), {
    validate: true,
  });
  try {
    const t = await deps.nginx.test(await deps.generations.tree(staged));
    const output = t.skipped ?? relabelCandidate(t.output, staged.path);
    return {
      ok: t.ok,
      output,
      include_found: t.includeFound,
      ...(t.ok ? {} : { error: mapNginxError(t.output, staged.path, staged.manifest) }),
    };
  } finally {
    await deps.generations.discard(staged.path);
  }
}
