// Names are unique per tenant. A tenant (its token, or an admin acting for it
// with ?tenant=) says `shop`; the store keeps `acme__shop`, so nginx files,
// upstreams, certbot lineages and units never collide across tenants and
// everything below the API works on one flat namespace. The API qualifies a
// tenant's names and references on the way in and strips its prefix on the
// way out. A record a tenant made before names were per tenant keeps its plain
// name and is still found by it.
import type { AnyKind, Ref } from "../kind.ts";
import { type AgentError, invalid } from "../errors.ts";

export { qualified, stripTenant, TENANT_SEP, tenantPart } from "../model/tenant-name.ts";
import { qualified, TENANT_SEP, tenantPart } from "../model/tenant-name.ts";

/** What the store knows of a name: its record's tenant, or null when there is none. */
export type Lookup = (
  kind: string,
  name: string,
) => Promise<{ tenant?: string } | null | undefined> | { tenant?: string } | null | undefined;

/** The stored name of the tenant's `name` of `kind`: its own legacy plain record, else qualified. */
export async function qualifiedName(
  tenant: string,
  kind: string,
  name: string,
  get: Lookup,
): Promise<string> {
  const q = qualified(tenant, name);
  if (await get(kind, q)) return q;
  const plain = await get(kind, name);
  return plain && plain.tenant === tenant ? name : q;
}

/** Every record a spec names: the ones it needs and the ones it only uses. */
export function namedRefs(k: AnyKind, spec: { name: string }): Ref[] {
  return [...(k.refs?.(spec) ?? []), ...(k.links?.(spec) ?? [])];
}

function at(path: string): (string | number)[] {
  return path.split(".").flatMap((p) => {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(p);
    if (!m) return [p];
    return [m[1], ...[...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))];
  });
}

/** Sets `path` ("routes[2].pool") in `obj` when it holds `was` there; whether it did. */
export function replaceAt(obj: unknown, path: string, was: string, value: string): boolean {
  const keys = at(path);
  let cur = obj as Record<string | number, unknown> | null;
  for (const key of keys.slice(0, -1)) {
    const next = cur?.[key];
    if (!next || typeof next !== "object") return false;
    cur = next as Record<string | number, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!cur || cur[last] !== was) return false;
  cur[last] = value;
  return true;
}

/**
 * A tenant's body with its names qualified: `name` and every reference the
 * kind reports (after its parse). Refused: a name already qualified (a tenant
 * writes plain names). Returns a new body; the given one is not changed.
 */
export async function qualifyBody(
  tenant: string,
  k: AnyKind,
  plainName: string,
  storedName: string,
  body: Record<string, unknown>,
  spec: { name: string },
  get: Lookup,
): Promise<Record<string, unknown>> {
  const out = structuredClone(body);
  if (out.name === plainName) out.name = storedName;
  for (const ref of namedRefs(k, spec)) {
    if (tenantPart(ref.name) !== null) {
      throw refusedQualified(ref.field, ref.name);
    }
    const to = await qualifiedName(tenant, ref.kind, ref.name, get);
    if (to !== ref.name) replaceAt(out, ref.field, ref.name, to);
  }
  return out;
}

export function refusedQualified(field: string, name: string): AgentError {
  return invalid(
    field,
    `"${name}" has the "${TENANT_SEP}" of a qualified name: a tenant names its records plainly`,
  );
}
