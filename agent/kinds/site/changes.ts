// Site and route changes: validate, check pools and server-name claims, write
// atomically, apply.
import { AgentError, invalid, notFound } from "../../errors.ts";
import {
  checkSite,
  parseRoute,
  parseSite,
  type Route,
  siteCheckOptions,
  type SiteSpec,
} from "./schema.ts";
import {
  checkPoolRefs,
  matchedNames,
  poolRefs,
  siteClaims,
  sitePorts,
  wildcardMatches,
  wildcardsMatching,
} from "./refs.ts";
import { specOf } from "../../store/store.ts";
import type { ChangeContext, ChangeOptions } from "../../changes/context.ts";
import {
  assertNotManaged,
  type ChangeResult,
  submitChange,
  writeChange,
} from "../../changes/apply.ts";
import type { ManagedBy } from "../../model/record.ts";
import { siteKind } from "./kind.ts";

type Site = SiteSpec & { name: string };

/** Validation against the rest of the state, then the write op with its claims. */
export async function sitePutOp(
  cx: ChangeContext,
  site: Site,
  ifMatch?: number,
  managedBy?: ManagedBy,
  extraPools: string[] = [],
) {
  // Only the pools it names are read (never the whole state).
  const extra = new Set(extraPools);
  const missing = new Set<string>();
  for (const p of new Set(poolRefs(site).map((r) => r.pool))) {
    if (!extra.has(p) && !(await cx.store.get("pool", p))) missing.add(p);
  }
  checkPoolRefs(site, (p) => !missing.has(p));
  await checkPoolTypes(cx, site);
  await checkWildcardOverlap(cx, site);
  return {
    type: "put" as const,
    kind: "site",
    name: site.name,
    spec: { ...site } as Record<string, unknown>,
    ifMatch,
    managedBy,
  };
}

/** A site whose default pool is nanio (S3) routes only to nanio pools. */
async function checkPoolTypes(cx: ChangeContext, site: Site): Promise<void> {
  if (!site.default_pool) return;
  const def = await cx.store.get("pool", site.default_pool);
  if (def?.type !== "nanio") return;
  for (const [i, r] of site.routes.entries()) {
    if (!r.pool) continue;
    if (r.strip_prefix) {
      throw invalid(`routes[${i}].strip_prefix`, "S3 routes keep the URI as sent (SigV4 signs it)");
    }
    const p = await cx.store.get("pool", r.pool);
    if (p && p.type !== "nanio") {
      throw invalid(
        `routes[${i}].pool`,
        `the default pool "${site.default_pool}" is nanio: routes go to nanio pools only ("${r.pool}" is http)`,
      );
    }
  }
}

function overlap(name: string, port: number, other: string, holder: string): AgentError {
  return new AgentError(
    "CONFLICT",
    `server name ${name} on port ${port} overlaps ${other} of ${holder.replace("/", " ")}: ` +
      "nginx would send that traffic to one of them",
    { field: "server_names", server_name: name, port, overlaps: other, holder },
  );
}

/**
 * A wildcard and an exact name that it matches, on one port, in two sites: the
 * exact one takes that host's traffic from the other (the store's claims only
 * see equal names). Exact names look up the few wildcards above them; a wildcard
 * reads the other sites (rare, and under the write lock).
 */
async function checkWildcardOverlap(cx: ChangeContext, site: Site): Promise<void> {
  const owner = `site/${site.name}`;
  const names = site.server_names.flatMap(matchedNames);
  const wildcards = names.filter((n) => n.startsWith("*."));
  const others = wildcards.length
    ? (await cx.store.list("site")).filter((s) => s.name !== site.name)
    : [];
  for (const port of sitePorts(site, cx.settings)) {
    for (const n of names) {
      for (const w of wildcardsMatching(n.startsWith("*.") ? n.slice(2) : n)) {
        const holder = await cx.store.indexOwner(["server_name", String(port), w]);
        if (holder && holder !== owner) throw overlap(n, port, w, holder);
      }
    }
    for (const o of others) {
      const theirs = siteClaims(o as unknown as Site, cx.settings)
        .filter((k) => k[1] === String(port)).map((k) => k[2]);
      for (const w of wildcards) {
        const hit = theirs.find((x) => wildcardMatches(w, x));
        if (hit) throw overlap(w, port, hit, `site/${o.name}`);
      }
    }
  }
}

export async function putSite(
  cx: ChangeContext,
  name: string,
  body: unknown,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const site = parseSite(name, body, cx.settings);
  const results = await writeChange(cx, async () => {
    assertNotManaged(await cx.store.get("site", name), "site");
    return { ops: [await sitePutOp(cx, site, o.ifMatch)], actor: o.actor, action: "site.put" };
  });
  return await submitChange(cx, results);
}

export async function deleteSite(
  cx: ChangeContext,
  name: string,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const results = await writeChange(cx, async () => {
    const cur = await cx.store.get("site", name);
    if (!cur) throw notFound("site", name);
    assertNotManaged(cur, "site");
    return {
      ops: [{ type: "delete", kind: "site", name, ifMatch: o.ifMatch }],
      actor: o.actor,
      action: "site.delete",
    };
  });
  return await submitChange(cx, results);
}

async function updateRoutes(
  cx: ChangeContext,
  siteName: string,
  o: ChangeOptions,
  action: string,
  edit: (routes: Route[]) => Route[],
): Promise<ChangeResult> {
  const results = await writeChange(cx, async () => {
    const cur = await cx.store.get(siteKind, siteName);
    if (!cur) throw notFound("site", siteName);
    assertNotManaged(cur, "site");
    const spec = specOf(cur);
    const next = checkSite({ ...spec, routes: edit(spec.routes) }, siteCheckOptions(cx.settings));
    return { ops: [await sitePutOp(cx, next, o.ifMatch)], actor: o.actor, action };
  });
  return await submitChange(cx, results);
}

export function putRoute(
  cx: ChangeContext,
  site: string,
  route: string,
  body: unknown,
  o: ChangeOptions,
) {
  return updateRoutes(cx, site, o, "route.put", (rs) => {
    const i = rs.findIndex((r) => r.name === route);
    const parsed = parseRoute(route, body, i < 0 ? rs.length : i, siteCheckOptions(cx.settings));
    return i < 0 ? [...rs, parsed] : rs.map((r, j) => (j === i ? parsed : r));
  });
}

export function deleteRoute(cx: ChangeContext, site: string, route: string, o: ChangeOptions) {
  return updateRoutes(cx, site, o, "route.delete", (rs) => {
    if (!rs.some((r) => r.name === route)) {
      throw new AgentError("NOT_FOUND", `site "${site}" has no route ${route}`, { site, route });
    }
    return rs.filter((r) => r.name !== route);
  });
}
