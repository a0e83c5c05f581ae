// The shapes rendering shares (pure, no renderer here): a rendered file, the
// read view of the state, render extensions, file names and the config hash.
import { createHash } from "node:crypto";
import type { Rec } from "../store/store.ts";
import type { RenderContext } from "./context.ts";

export const COMMON_FILE = "00-switchyard.conf";

export interface RenderedFile {
  /** Path inside the generation directory, e.g. "site-web.conf". */
  name: string;
  text: string;
  /** The entity an nginx error in this file is blamed on. */
  entity?: { kind: string; name: string };
}

/**
 * Read access to the desired state for renderers and expanders. The records do not
 * change while a view is in use (an expander makes a new map and a new view), so
 * they are sorted by kind once per view: a round asks every kind of every view,
 * and at 10,000 sites scanning all 20,000 records per question made 20 MB of
 * garbage per round.
 */
export class StateView {
  readonly records: Map<string, Rec>;
  #byKind: Map<string, readonly Rec[]> | null = null;
  constructor(records: Map<string, Rec>) {
    this.records = records;
  }
  /** The records of one kind, sorted by name (frozen: every caller shares it). */
  ofKind<T = Rec>(kind: string): readonly (T & Rec)[] {
    this.#byKind ??= byKind(this.records);
    return (this.#byKind.get(kind) ?? NONE) as readonly (T & Rec)[];
  }
  get<T = Rec>(kind: string, name: string): (T & Rec) | undefined {
    return this.records.get(`${kind}/${name}`) as (T & Rec) | undefined;
  }
}

const NONE: readonly Rec[] = Object.freeze([]);

function byKind(records: Map<string, Rec>): Map<string, readonly Rec[]> {
  const out = new Map<string, Rec[]>();
  for (const [id, r] of records) {
    const kind = id.slice(0, id.indexOf("/"));
    const list = out.get(kind);
    if (list) list.push(r);
    else out.set(kind, [r]);
  }
  for (const list of out.values()) {
    Object.freeze(list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  return out;
}

/**
 * Features that render more than pools and sites register here: an expander
 * adds derived sites/routes (projects), a renderer adds files (snippets).
 */
export interface RenderExtension {
  name: string;
  expand?(view: StateView, ctx: RenderContext): StateView;
  files?(view: StateView, ctx: RenderContext): RenderedFile[];
}

export function confFileName(kind: string, name: string): string {
  return `${kind}-${name}.conf`;
}

export function metaFileName(kind: string, name: string): string {
  return `${kind}-${name}.meta.json`;
}

const shas = new WeakMap<RenderedFile, string>();

/**
 * sha256 (hex) of a rendered file's text, once per file object: kept renders
 * (memo.ts) are the same objects round after round, so at 10,000 sites a round
 * hashes a few files instead of 10 MB of text, twice.
 */
export function fileSha(f: RenderedFile): string {
  let sha = shas.get(f);
  if (sha === undefined) {
    sha = createHash("sha256").update(f.text).digest("hex");
    shas.set(f, sha);
  }
  return sha;
}

/** Hash of the configuration nginx will run (the common file that prints it is left out). */
export function configHash(files: RenderedFile[]): string {
  const parts: string[] = [];
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (f.name !== COMMON_FILE) parts.push(`${f.name}\0${fileSha(f)}\0`);
  }
  // One update: each is a call into the runtime (60,000 of them at 10,000 sites).
  return createHash("sha256").update(parts.join("")).digest("hex").slice(0, 16);
}
