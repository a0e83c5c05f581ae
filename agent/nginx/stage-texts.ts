// What a staged generation holds besides the files' bytes: each config file's
// sha256 and each record's sidecar (its JSON and sha256), listed in the manifest.
// Most of them are the same as at the last stage, so they are kept: a file kept
// by the render memo keeps its hash (render/files.ts fileSha), and a record that is the same
// object (the round shares the records it kept, frozen) with the same config
// hash keeps its sidecar. At 1,000 sites this was ~15 ms of every apply. What is
// kept is the staged entry itself, so an unchanged file or record costs a stage no
// new object (at 10,000 sites a stage made 40 MB of them).
import type { RenderedFile } from "../render/tree.ts";
import { confFileName, fileSha, metaFileName } from "../render/tree.ts";
import type { Rec } from "../store/store.ts";
import { sha256 } from "./file-keys.ts";
import type { FileEntry, Manifest, Sidecar } from "./manifest.ts";

/** A staged file: its name in the tree, its text and the text's sha256. */
export interface StagedText {
  readonly name: string;
  readonly sha: string;
  readonly text: string;
}

export type Texts = Map<string, StagedText>;

/** A frozen rendered file's manifest entry and staged text (the file's own text). */
const fileTexts = new WeakMap<RenderedFile, { entry: FileEntry; staged: StagedText }>();

function fileText(f: RenderedFile): { entry: FileEntry; staged: StagedText } {
  const kept = fileTexts.get(f);
  if (kept) return kept;
  const sha = fileSha(f);
  const entry: FileEntry = f.entity ? { sha256: sha, entity: f.entity } : { sha256: sha };
  const made = { entry: Object.freeze(entry), staged: { name: f.name, sha, text: f.text } };
  if (Object.isFrozen(f)) fileTexts.set(f, made); // a file that may change is not kept
  return made;
}

/** A kept record's sidecar: its text made again each time it is read (14 MB at 10,000 sites). */
class SidecarText implements StagedText {
  constructor(
    readonly name: string,
    readonly sha: string,
    readonly of: { id: string; rec: Rec; conf: string | null; confSha: string | null },
  ) {}
  get text(): string {
    return sidecarJson(this.of.id, this.of.rec, this.of.conf, this.of.confSha);
  }
}

function sidecarJson(id: string, rec: Rec, conf: string | null, confSha: string | null): string {
  const i = id.indexOf("/");
  const sidecar: Sidecar = {
    kind: id.slice(0, i),
    name: id.slice(i + 1),
    record: rec,
    conf,
    conf_sha256: confSha,
  };
  return JSON.stringify(sidecar, null, 2) + "\n";
}

export class StageTexts {
  /** Only the hash: the text is made again when a file must be written. */
  #sidecars = new WeakMap<
    Rec,
    { id: string; confName: string; confSha: string | null; staged: StagedText }
  >();

  /** Fills `manifest` (files, entities, sidecars) and returns every file's text and sha256. */
  build(files: RenderedFile[], records: Map<string, Rec>, manifest: Manifest): Texts {
    const texts: Texts = new Map();
    for (const f of files) {
      const { entry, staged } = fileText(f);
      manifest.files[f.name] = entry;
      texts.set(f.name, staged);
    }
    for (const [id, rec] of records) {
      let side = this.#sidecars.get(rec);
      if (side?.id !== id) side = undefined;
      const i = id.indexOf("/");
      // The config file the record renders, when this round rendered one.
      const confName = side?.confName ?? confFileName(id.slice(0, i), id.slice(i + 1));
      const confSha = texts.get(confName)?.sha ?? null;
      if (!side || side.confSha !== confSha) {
        const of = { id, rec, conf: confSha === null ? null : confName, confSha };
        const text = sidecarJson(of.id, rec, of.conf, confSha);
        const file = metaFileName(id.slice(0, i), id.slice(i + 1));
        const frozen = Object.isFrozen(rec); // a record that may change is not kept
        const staged = frozen
          ? new SidecarText(file, sha256(text), of)
          : { name: file, sha: sha256(text), text };
        side = { id, confName, confSha, staged };
        if (frozen) this.#sidecars.set(rec, side);
      }
      manifest.entities[id] = side.staged.name;
      manifest.sidecars![side.staged.name] = side.staged.sha;
      texts.set(side.staged.name, side.staged);
    }
    return texts;
  }
}
