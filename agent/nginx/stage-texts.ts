// What a staged generation holds besides the files' bytes: each config file's
// sha256 and each record's sidecar (its JSON and sha256), listed in the manifest.
// Most of them are the same as at the last stage, so they are kept: a file kept
// by the render memo keeps its hash (render/files.ts fileSha), and a record that is the same
// object (the round shares the records it kept, frozen) with the same config
// hash keeps its sidecar. At 1,000 sites this was ~15 ms of every apply.
import type { RenderedFile } from "../render/tree.ts";
import { fileSha, metaFileName } from "../render/tree.ts";
import type { Rec } from "../store/store.ts";
import { sha256 } from "./file-keys.ts";
import type { FileEntry, Manifest, Sidecar } from "./manifest.ts";

export type Texts = Map<string, { text: string; sha: string }>;

export class StageTexts {
  /** Only the hash: the text is made again when a file must be written (14 MB at 10,000 sites). */
  #sidecars = new WeakMap<Rec, { confSha: string | null; sha: string }>();

  /** Fills `manifest` (files, entities, sidecars) and returns every file's text and sha256. */
  build(files: RenderedFile[], records: Map<string, Rec>, manifest: Manifest): Texts {
    const byName = new Map(files.map((f) => [f.name, f]));
    const texts: Texts = new Map();
    for (const f of files) {
      const entry: FileEntry = { sha256: fileSha(f) };
      if (f.entity) entry.entity = f.entity;
      manifest.files[f.name] = entry;
      texts.set(f.name, { text: f.text, sha: entry.sha256 });
    }
    for (const [id, rec] of records) {
      const [kind, name] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
      const conf = byName.get(`${kind}-${name}.conf`) ?? null;
      const confSha = conf ? manifest.files[conf.name].sha256 : null;
      const make = () => {
        const sidecar: Sidecar = {
          kind,
          name,
          record: rec,
          conf: conf?.name ?? null,
          conf_sha256: confSha,
        };
        return JSON.stringify(sidecar, null, 2) + "\n";
      };
      let side = this.#sidecars.get(rec);
      let made: string | undefined;
      if (!side || side.confSha !== confSha) {
        made = make();
        side = { confSha, sha: sha256(made) };
        if (Object.isFrozen(rec)) this.#sidecars.set(rec, side); // a record that may change is not kept
      }
      const file = metaFileName(kind, name);
      manifest.entities[id] = file;
      manifest.sidecars![file] = side.sha;
      texts.set(file, made !== undefined ? { text: made, sha: side.sha } : lazy(side.sha, make));
    }
    return texts;
  }
}

/** A text made when first read (a frozen record's sidecar: the same JSON every time). */
function lazy(sha: string, make: () => string): { readonly text: string; sha: string } {
  let text: string | undefined;
  return {
    sha,
    get text() {
      return text ??= make();
    },
  };
}
