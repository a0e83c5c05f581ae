// Rules across entities (pure): references between sites and pools, and the
// uniqueness claims a site makes on (port, server name).
import { invalid } from "../errors.ts";
import type { SiteSpec } from "./site.ts";
import { effectiveListens, type ListenDefaults } from "./listen.ts";

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

/** Index keys a site claims: one per (port, server name). */
export function siteClaims(site: SiteLike, d: ListenDefaults): string[][] {
  const ports = new Set(effectiveListens(site, d, site.tls !== undefined).map((l) => l.port));
  const out: string[][] = [];
  for (const p of [...ports].sort((a, b) => a - b)) {
    for (const n of site.server_names) out.push(["server_name", String(p), n]);
  }
  return out;
}

export function sitesUsingPool(pool: string, sites: SiteLike[]): string[] {
  return sites.filter((s) => poolRefs(s).some((r) => r.pool === pool)).map((s) => s.name).sort();
}
