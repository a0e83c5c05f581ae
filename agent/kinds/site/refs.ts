// Rules across entities (pure): references between sites and pools, and the
// uniqueness claims a site makes on (port, server name).
import { invalid } from "../../errors.ts";
import type { SiteSpec } from "./schema.ts";
import { effectiveListens, type ListenDefaults } from "../../model/listen.ts";

type SiteLike = SiteSpec & { name: string };

/** Every pool a site refers to, with the field that names it. */
export function poolRefs(site: SiteLike): { pool: string; field: string }[] {
  const out: { pool: string; field: string }[] = [];
  if (site.default_pool) out.push({ pool: site.default_pool, field: "default_pool" });
  site.routes.forEach((r, i) => {
    if (r.pool) out.push({ pool: r.pool, field: `routes[${i}].pool` });
  });
  return out;
}

export function checkPoolRefs(site: SiteLike, poolExists: (name: string) => boolean): void {
  for (const ref of poolRefs(site)) {
    if (!poolExists(ref.pool)) throw invalid(ref.field, `pool "${ref.pool}" does not exist`);
  }
}

/**
 * The names nginx matches for one server_name entry, as claims: `.base.test` is
 * `base.test` and `*.base.test` (so it collides with either, written either way).
 */
export function matchedNames(n: string): string[] {
  return n.startsWith(".") ? [n.slice(1), `*${n}`] : [n];
}

/** The ports a site listens on once defaults apply. */
export function sitePorts(site: SiteLike, d: ListenDefaults): number[] {
  const ports = new Set(effectiveListens(site, d, site.tls !== undefined).map((l) => l.port));
  return [...ports].sort((a, b) => a - b);
}

/** Index keys a site claims: one per (port, name nginx would match). */
export function siteClaims(site: SiteLike, d: ListenDefaults): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const p of sitePorts(site, d)) {
    for (const n of site.server_names.flatMap(matchedNames)) {
      const k = `${p} ${n}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(["server_name", String(p), n]);
    }
  }
  return out;
}

/** The wildcard claims (`*.b.c`, `*.c`) that would match an exact name a.b.c. */
export function wildcardsMatching(exact: string): string[] {
  const labels = exact.split(".");
  const out: string[] = [];
  for (let i = 1; i < labels.length; i++) out.push(`*.${labels.slice(i).join(".")}`);
  return out;
}

/** Whether wildcard claim `*.b.c` matches name `x` (an exact name or a narrower wildcard). */
export function wildcardMatches(wildcard: string, x: string): boolean {
  return x !== wildcard && x.endsWith(wildcard.slice(1));
}
