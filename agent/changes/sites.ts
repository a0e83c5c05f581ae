// Site and route changes: validate, check pools and server-name claims, write
// atomically, apply.
import { AgentError, notFound } from "../errors.ts";
import { checkSite, parseRoute, parseSite, type Route, type SiteSpec } from "../model/site.ts";
import { checkPoolRefs, siteClaims } from "../model/refs.ts";
import { specOf } from "../store/store.ts";
import type { ChangeContext, ChangeOptions } from "./context.ts";
import { assertNotManaged, type ChangeResult, submitChange } from "./apply.ts";
import type { ManagedBy } from "../model/record.ts";

type Site = SiteSpec & { name: string };

/** Validation against the rest of the state, then the write op with its claims. */
export async function sitePutOp(
  cx: ChangeContext,
  site: Site,
  ifMatch?: number,
  managedBy?: ManagedBy,
  extraPools: string[] = [],
) {
  const pools = new Set([...(await cx.store.list("pool")).map((p) => p.name), ...extraPools]);
  checkPoolRefs(site, (p) => pools.has(p));
  const claims = siteClaims(site, cx.settings);
  const me = `site/${site.name}`;
  for (const c of claims) {
    const owner = await cx.store.indexOwner(c);
    if (owner && owner !== me) {
      throw new AgentError(
        "CONFLICT",
        `server name ${c[2]} on port ${c[1]} is already claimed by ${owner.replace("/", " ")}`,
        { field: "server_names", server_name: c[2], port: Number(c[1]), holder: owner },
      );
    }
  }
  return {
    type: "put" as const,
    kind: "site",
    name: site.name,
    spec: { ...site } as Record<string, unknown>,
    ifMatch,
    managedBy,
    indexes: claims.map((key) => ({ key })),
  };
}

export async function putSite(
  cx: ChangeContext,
  name: string,
  body: unknown,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const site = parseSite(name, body);
  const results = await cx.store.write(async () => {
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
  const results = await cx.store.write(async () => {
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
  const results = await cx.store.write(async () => {
    const cur = await cx.store.get("site", siteName);
    if (!cur) throw notFound("site", siteName);
    assertNotManaged(cur, "site");
    const spec = specOf(cur) as unknown as Site;
    const next = checkSite({ ...spec, routes: edit(spec.routes) });
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
    const parsed = parseRoute(route, body, i < 0 ? rs.length : i);
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
