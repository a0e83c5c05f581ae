// What `agent doctor` says about nginx's server_names hash: sized too small for
// the names the agent renders, nginx warns "could not build optimal
// server_names_hash" on every parse and parses slower (at 10,000 sites one
// `nginx -t` went from 5.5 s to 4.4 s once the size was raised), or fails with
// "could not build server_names_hash" when a name does not fit a bucket. Pure.

export interface NamesHashAdvice {
  names: number;
  longest: number;
  /** What to set: nginx takes the smallest table that fits, so a larger max costs nothing. */
  maxSize: number;
  bucketSize: number;
  /** Directives whose current value is too small (empty: fine). */
  raise: string[];
}

const pow2AtLeast = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** Exact server names of the rendered files (wildcards and regexes live in other hashes). */
export function serverNames(texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    for (const m of t.matchAll(/(?:^|[;{}\s])server_name\s+([^;]*);/g)) {
      for (const n of m[1].split(/\s+/)) {
        if (n && !n.startsWith("~") && !n.includes("*") && n !== "_") out.push(n.toLowerCase());
      }
    }
  }
  return out;
}

/** The value of a directive in the operator's config text (last one wins), or null. */
export function directiveValue(conf: string, name: string): number | null {
  let v: number | null = null;
  const re = new RegExp(`(?:^|[;{}\\s])${name}\\s+(\\d+)\\s*;`, "g");
  for (const m of conf.replace(/#[^\n]*/g, "").matchAll(re)) v = Number(m[1]);
  return v;
}

/**
 * nginx's defaults are 512 and the CPU cache line (64 on most hosts). A bucket
 * entry is a pointer, a length and the name, aligned to 8 bytes; with room for
 * three entries per bucket a table of the next power of two over the name count
 * builds (measured with nginx 1.22: 3,000 names of 21 characters need 4096 with
 * 128-byte buckets, 16384 with 64; 10,000 names 16384 with 128).
 */
export function namesHashAdvice(names: string[], confTexts: string[]): NamesHashAdvice {
  const unique = new Set(names);
  const longest = Math.max(0, ...[...unique].map((n) => n.length));
  const entry = Math.ceil((longest + 10) / 8) * 8;
  const bucketSize = Math.max(64, pow2AtLeast(3 * entry + 8));
  const maxSize = Math.max(512, pow2AtLeast(unique.size));
  const conf = confTexts.join("\n");
  const max = directiveValue(conf, "server_names_hash_max_size") ?? 512;
  const bucket = directiveValue(conf, "server_names_hash_bucket_size") ?? 64;
  const raise: string[] = [];
  if (max < maxSize) raise.push(`server_names_hash_max_size ${maxSize};`);
  if (bucket < bucketSize) raise.push(`server_names_hash_bucket_size ${bucketSize};`);
  return { names: unique.size, longest, maxSize, bucketSize, raise };
}
