// The declarative file as text: TOML (smol-toml), YAML and JSON (the `yaml`
// package, which keeps positions), and the line of a field path in it, so every
// lint error reads `file:line: path: message`.
import { parse as parseToml, stringify as stringifyToml, TomlError } from "smol-toml";
import { LineCounter, parseDocument, stringify as stringifyYaml } from "yaml";
import { AgentError } from "../../errors.ts";

export type Format = "toml" | "yaml" | "json";

export const FORMATS: readonly Format[] = ["toml", "yaml", "json"];

export function formatOf(file: string, given?: string): Format {
  if (given) {
    if (!(FORMATS as readonly string[]).includes(given)) {
      throw new AgentError("VALIDATION_FAILED", `--format must be one of ${FORMATS.join(", ")}`);
    }
    return given as Format;
  }
  if (/\.ya?ml$/i.test(file)) return "yaml";
  if (/\.json$/i.test(file)) return "json";
  return "toml";
}

/** A parse failure of the file itself, with its line. */
export class SyntaxProblem extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

export function parseText(text: string, format: Format): Record<string, unknown> {
  let v: unknown;
  if (format === "toml") {
    try {
      v = parseToml(text);
    } catch (e) {
      const line = e instanceof TomlError ? e.line : 1;
      throw new SyntaxProblem(`TOML: ${(e as Error).message.split("\n")[0]}`, line);
    }
  } else {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
      throw new SyntaxProblem(
        `${format.toUpperCase()}: ${err.message.split("\n")[0]}`,
        lc.linePos(err.pos[0]).line,
      );
    }
    v = doc.toJS() ?? {};
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    throw new SyntaxProblem("the file must hold one table per kind (pools, sites, ...)", 1);
  }
  return v as Record<string, unknown>;
}

export function stringifyDoc(doc: Record<string, unknown>, format: Format): string {
  if (format === "json") return JSON.stringify(doc, null, 2) + "\n";
  if (format === "yaml") return stringifyYaml(doc, { lineWidth: 0 });
  return stringifyToml(doc) + "\n";
}

/** "sites.shop.routes[2].pool" -> ["sites", "shop", "routes", 2, "pool"]. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}

/** The line of `path` in the file, or of its nearest parent that is written there. */
export function lineOf(text: string, format: Format, path: string): number {
  const segs = splitPath(path);
  return format === "toml" ? tomlLine(text, segs) : yamlLine(text, segs);
}

function yamlLine(text: string, segs: (string | number)[]): number {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  for (let n = segs.length; n > 0; n--) {
    const node = doc.getIn(segs.slice(0, n), true) as { range?: [number, number, number] } | null;
    // a scalar's own position; for a key's collection, look one level up (the key line)
    if (node && typeof node === "object" && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

const key = (s: string) => s.trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");

/** Every `key =` and table header of a TOML file, by the field path it writes. */
function tomlIndex(text: string): Map<string, number> {
  const at = new Map<string, number>();
  const counters = new Map<string, number>();
  let table: string[] = [];
  const resolve = (parts: string[]): string[] => {
    // prefixes that are arrays of tables point at their last element
    const out: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const prefix = parts.slice(0, i + 1).join(".");
      out.push(parts[i]);
      const n = counters.get(prefix);
      if (n !== undefined && i < parts.length) out[out.length - 1] += `[${n}]`;
    }
    return out;
  };
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    const arr = /^\[\[([^\]]+)\]\]/.exec(line);
    const tab = arr ? null : /^\[([^\]]+)\]/.exec(line);
    if (arr) {
      const parts = arr[1].split(".").map(key);
      const name = parts.join(".");
      counters.set(name, (counters.get(name) ?? -1) + 1);
      for (const k of [...counters.keys()]) if (k.startsWith(name + ".")) counters.delete(k);
      table = resolve(parts);
      at.set(table.join("."), i + 1);
      return;
    }
    if (tab) {
      table = resolve(tab[1].split(".").map(key));
      if (!at.has(table.join("."))) at.set(table.join("."), i + 1);
      return;
    }
    const kv = /^([A-Za-z0-9_."'-]+)\s*=/.exec(line);
    if (kv) {
      const p = [...table, ...kv[1].split(".").map(key)].join(".");
      if (!at.has(p)) at.set(p, i + 1);
    }
  });
  return at;
}

function tomlLine(text: string, segs: (string | number)[]): number {
  const at = tomlIndex(text);
  const names: string[] = [];
  for (const s of segs) {
    if (typeof s === "number" && names.length) names[names.length - 1] += `[${s}]`;
    else names.push(String(s));
  }
  for (let n = names.length; n > 0; n--) {
    const p = names.slice(0, n).join(".");
    if (at.has(p)) return at.get(p)!;
    // an inline array element: the line of its key
    const bare = p.replace(/\[\d+\]$/, "");
    if (bare !== p && at.has(bare)) return at.get(bare)!;
    // a table written only through its sub-tables ([widgets.a] for "widgets")
    const below = [...at].filter(([k]) => k.startsWith(`${p}.`) || k.startsWith(`${p}[`));
    if (below.length) return Math.min(...below.map(([, l]) => l));
  }
  return 1;
}
