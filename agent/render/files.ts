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

/** Read access to the desired state for renderers and expanders. */
export class StateView {
  readonly records: Map<string, Rec>;
  constructor(records: Map<string, Rec>) {
    this.records = records;
  }
  ofKind<T = Rec>(kind: string): (T & Rec)[] {
    const out: (T & Rec)[] = [];
    for (const [id, r] of this.records) if (id.startsWith(`${kind}/`)) out.push(r as T & Rec);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  get<T = Rec>(kind: string, name: string): (T & Rec) | undefined {
    return this.records.get(`${kind}/${name}`) as (T & Rec) | undefined;
  }
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

/** Hash of the configuration nginx will run (the common file that prints it is left out). */
export function configHash(files: RenderedFile[]): string {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (f.name === COMMON_FILE) continue;
    h.update(f.name).update("\0").update(f.text).update("\0");
  }
  return h.digest("hex").slice(0, 16);
}
