// A tenant's request in the store's names (see agent/kinds/tenant-names.ts):
// the URL's name and the body's references qualified on the way in, the
// tenant's prefix stripped from the answer (and from errors) on the way out.
import type { Context } from "hono";
import { AgentError, asAgentError } from "../../errors.ts";
import type { AnyKind } from "../../kind.ts";
import type { Runtime } from "../../runtime.ts";
import type { ScopedRequest } from "../../api/http.ts";
import {
  type Lookup,
  qualifiedName,
  qualifyBody,
  refusedQualified,
  stripTenant,
  tenantPart,
} from "../../kinds/tenant-names.ts";

export const storeLookup = (rt: Runtime): Lookup => (kind, name) => rt.store.get(kind, name);

/** The stored name of the URL's name; a qualified one is refused (a tenant names plainly). */
export async function storedName(
  rt: Runtime,
  tenant: string,
  k: AnyKind,
  plain: string,
): Promise<string> {
  if (tenantPart(plain) !== null) throw refusedQualified("name", plain);
  return await qualifiedName(tenant, k.name, plain, storeLookup(rt));
}

/**
 * The request's body with its names qualified: a record's (`rest` is its
 * name only) by its kind's references, a part's (a route) by its `pool`. A
 * body the kind refuses is passed on as it is: the router answers with why.
 */
export async function scopedBody(
  rt: Runtime,
  tenant: string,
  k: AnyKind,
  name: ScopedRequest["name"],
  rest: string[],
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const get = storeLookup(rt);
  if (rest.length > 1) {
    if (typeof body.pool !== "string") return body;
    if (tenantPart(body.pool) !== null) throw refusedQualified("pool", body.pool);
    return { ...body, pool: await qualifiedName(tenant, "pool", body.pool, get) };
  }
  let spec: { name: string };
  try {
    spec = k.parse(name.to, body, rt.settings) as { name: string };
  } catch {
    return body;
  }
  return await qualifyBody(tenant, k, name.from, name.to, body, spec, get);
}

/** The answer as the tenant reads it: its prefix gone from every name. */
export async function stripAnswer(c: Context, tenant: string): Promise<void> {
  const text = await c.res.clone().text();
  const out = stripTenant(text, tenant);
  if (out === text) return;
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  c.res = new Response(out, { status: c.res.status, headers });
}

/** An error as the tenant reads it. */
export function stripError(e: unknown, tenant: string): unknown {
  if (!(e instanceof AgentError)) return e;
  const err = asAgentError(e);
  return new AgentError(
    err.code,
    stripTenant(err.message, tenant),
    JSON.parse(stripTenant(JSON.stringify(err.detail), tenant)),
  );
}
