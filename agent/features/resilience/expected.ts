// The text a file of the current generation should have. The generation
// directory is where hand edits happen, so the agent re-derives what it wrote:
// by rendering the records nginx serves (the sidecars), else from the state,
// else from another generation holding the same file. A candidate counts only
// when its sha256 equals the manifest's.
import type { Rec } from "../../store/store.ts";
import { sha256, type Sidecar } from "../../nginx/generations.ts";
import { metaFileName, renderTree } from "../../render/tree.ts";
import type { ResilienceRuntime } from "./settings.ts";

/** Config files and sidecars exactly as a generation of `records` holds them. */
export function renderGeneration(
  rt: ResilienceRuntime,
  records: Map<string, Rec>,
): Map<string, string> {
  const files = renderTree(records, rt.renderContext(), rt.extensions, rt.kinds.list());
  const out = new Map(files.map((f) => [f.name, f.text]));
  for (const [id, rec] of records) {
    const i = id.indexOf("/");
    const [kind, name] = [id.slice(0, i), id.slice(i + 1)];
    const conf = out.get(`${kind}-${name}.conf`);
    const sidecar: Sidecar = {
      kind,
      name,
      record: rec,
      conf: conf !== undefined ? `${kind}-${name}.conf` : null,
      conf_sha256: conf !== undefined ? sha256(conf) : null,
    };
    out.set(metaFileName(kind, name), JSON.stringify(sidecar, null, 2) + "\n");
  }
  return out;
}

/** A lookup `(file, sha) -> text | null`; renders lazily, at most once per source. */
export function expectedTextProvider(
  rt: ResilienceRuntime,
): (file: string, sha: string) => Promise<string | null> {
  const sources: (() => Promise<Map<string, string>>)[] = [
    () => Promise.resolve(renderGeneration(rt, rt.reconciler.applied)),
    async () => renderGeneration(rt, await rt.store.all()),
  ];
  const cache: (Map<string, string> | null)[] = sources.map(() => null);
  return async (file, sha) => {
    for (let i = 0; i < sources.length; i++) {
      try {
        cache[i] ??= await sources[i]();
      } catch {
        cache[i] = new Map();
      }
      const t = cache[i]!.get(file);
      if (t !== undefined && sha256(t) === sha) return t;
    }
    // A backup's text is stored by its sha256 (backup-texts.ts); the older layout kept
    // each generation's files in its own directory.
    const stored = await rt.generations.texts.read(sha).catch(() => null);
    if (stored !== null && sha256(stored) === sha) return stored;
    const current = await rt.generations.current();
    for (const n of (await rt.generations.numbers()).reverse()) {
      if (n === current) continue;
      try {
        const t = await Deno.readTextFile(`${rt.generations.pathOf(n)}/${file}`);
        if (sha256(t) === sha) return t;
      } catch { /* not in that generation */ }
    }
    return null;
  };
}
