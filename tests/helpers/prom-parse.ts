// A strict parser of the Prometheus text exposition format (0.0.4), for tests:
// anything the format does not allow throws with the line number. It checks
// what a scraper relies on: HELP/TYPE before a family's samples, one TYPE per
// family, valid names and label syntax (with escapes), float values, no
// duplicate series, sample names that fit the type (histogram: _bucket with
// le, _sum, _count; cumulative buckets ending at +Inf = _count).

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string;
  series: Series[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function fail(n: number, why: string, line: string): never {
  throw new Error(`metrics line ${n}: ${why}: ${JSON.stringify(line)}`);
}

function parseValue(v: string, n: number, line: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  if (v === "NaN") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) fail(n, "bad value", line);
  return Number(v);
}

/** Labels from the text after `{`; returns them and the rest after `}`. */
function parseLabels(s: string, n: number, line: string): [Record<string, string>, string] {
  const labels: Record<string, string> = {};
  let i = 0;
  while (true) {
    if (s[i] === "}") return [labels, s.slice(i + 1)];
    const eq = s.indexOf("=", i);
    if (eq < 0) fail(n, "label without =", line);
    const key = s.slice(i, eq);
    if (!LABEL.test(key)) fail(n, `bad label name ${key}`, line);
    if (key in labels) fail(n, `label ${key} twice`, line);
    if (s[eq + 1] !== '"') fail(n, "label value must be quoted", line);
    let j = eq + 2;
    let value = "";
    while (true) {
      const c = s[j];
      if (c === undefined) fail(n, "unterminated label value", line);
      if (c === '"') break;
      if (c === "\n") fail(n, "raw newline in a label value", line);
      if (c === "\\") {
        const e = s[j + 1];
        if (e === "\\") value += "\\";
        else if (e === '"') value += '"';
        else if (e === "n") value += "\n";
        else fail(n, `bad escape \\${e}`, line);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[key] = value;
    i = j + 1;
    if (s[i] === ",") i++;
    else if (s[i] !== "}") fail(n, "expected , or } after a label", line);
  }
}

function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  if (families.has(sample)) return families.get(sample);
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (sample.endsWith(suffix)) {
      const f = families.get(sample.slice(0, -suffix.length));
      if (f && (f.type === "histogram" || f.type === "summary")) return f;
    }
  }
  return undefined;
}

export function parsePrometheus(text: string): Map<string, PromFamily> {
  if (!text.endsWith("\n")) throw new Error("metrics text must end with a newline");
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, idx) => {
    const n = idx + 1;
    if (line === "") fail(n, "empty line", line);
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, what, name, rest] = meta;
      if (!NAME.test(name)) fail(n, "bad metric name", line);
      if (closed.has(name)) fail(n, `family ${name} appears twice`, line);
      if (current !== null && current !== name) closed.add(current);
      current = name;
      const f = families.get(name) ?? { name, type: "untyped", help: "", series: [] };
      families.set(name, f);
      if (what === "TYPE") {
        if (!TYPES.has(rest)) fail(n, "bad type", line);
        if (f.series.length) fail(n, "TYPE after samples", line);
        f.type = rest;
      } else f.help = rest;
      return;
    }
    if (line.startsWith("#")) return; // a comment
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line);
    if (!m) fail(n, "bad sample", line);
    const name = m[1];
    let labels: Record<string, string> = {};
    let rest = line.slice(m[0].length);
    if (m[2]) [labels, rest] = parseLabels(rest, n, line);
    const parts = rest.trim().split(/\s+/);
    if (!rest.startsWith(" ") || parts.length < 1 || parts.length > 2) {
      fail(n, "expected: name{labels} value [timestamp]", line);
    }
    const value = parseValue(parts[0], n, line);
    const f = familyOf(name, families);
    if (!f) fail(n, `sample of no declared family`, line);
    if (f.name !== current) fail(n, `sample of ${f.name} outside its family's block`, line);
    if (f.type === "histogram" && name === f.name) {
      fail(n, "a histogram sample needs a suffix", line);
    }
    if (name.endsWith("_bucket") && f.type === "histogram" && !("le" in labels)) {
      fail(n, "a bucket needs le", line);
    }
    if (f.type === "counter" && value < 0) fail(n, "a counter is never negative", line);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) fail(n, "duplicate series", line);
    seen.add(key);
    f.series.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function checkHistogram(f: PromFamily) {
  const groups = new Map<string, Series[]>();
  for (const s of f.series) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, ss] of groups) {
    const buckets = ss.filter((s) => s.name === `${f.name}_bucket`);
    const count = ss.find((s) => s.name === `${f.name}_count`);
    if (!count || !ss.some((s) => s.name === `${f.name}_sum`)) {
      throw new Error(`${f.name}${key}: a histogram needs _sum and _count`);
    }
    let prev = -Infinity;
    let last = -1;
    for (const b of buckets) {
      const le = b.labels.le === "+Inf" ? Infinity : Number(b.labels.le);
      if (!(le > prev)) throw new Error(`${f.name}${key}: buckets not in increasing le`);
      if (b.value < last) throw new Error(`${f.name}${key}: buckets not cumulative`);
      prev = le;
      last = b.value;
    }
    if (prev !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (last !== count.value) throw new Error(`${f.name}${key}: +Inf bucket != _count`);
  }
}

/** The value of one series (labels must match exactly), or undefined. */
export function valueOf(
  fams: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
  family = name,
): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return fams.get(family)?.series.find((s) =>
    s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want
  )?.value;
}
