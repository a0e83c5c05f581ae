// The Prometheus text exposition format (version 0.0.4), written by hand: a
// family is a # HELP and # TYPE line and its samples; label values escaped.
export type Labels = Record<string, string>;
export type Sample = [Labels, number] | [Labels, number, string];

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram";
  help: string;
  /** [labels, value] or, for histogram parts, [labels, value, suffix]. */
  samples: Sample[];
}

export function escapeLabel(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

export function formatFamilies(families: Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const [labels, value, suffix] of f.samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
      out.push(`${f.name}${suffix ?? ""}${l ? `{${l}}` : ""} ${num(value)}`);
    }
  }
  return out.join("\n") + "\n";
}

/** A histogram of observations with fixed upper bounds. */
export class Histogram {
  readonly bounds: number[];
  readonly #counts: Map<string, { buckets: number[]; sum: number; count: number }> = new Map();
  constructor(bounds: number[]) {
    this.bounds = bounds;
  }
  observe(labels: Labels, v: number): void {
    const key = JSON.stringify(labels);
    let h = this.#counts.get(key);
    if (!h) this.#counts.set(key, h = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 });
    this.bounds.forEach((b, i) => {
      if (v <= b) h!.buckets[i]++;
    });
    h.sum += v;
    h.count++;
  }
  samples(): Sample[] {
    const out: Sample[] = [];
    for (const [key, h] of this.#counts) {
      const labels = JSON.parse(key) as Labels;
      this.bounds.forEach((b, i) =>
        out.push([{ ...labels, le: String(b) }, h.buckets[i], "_bucket"])
      );
      out.push([{ ...labels, le: "+Inf" }, h.count, "_bucket"]);
      out.push([labels, h.sum, "_sum"]);
      out.push([labels, h.count, "_count"]);
    }
    return out;
  }
}

/** Counters by label set. */
export class Counter {
  readonly #values = new Map<string, number>();
  inc(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }
  samples(): Sample[] {
    return [...this.#values].map(([k, v]) => [JSON.parse(k) as Labels, v]);
  }
}
