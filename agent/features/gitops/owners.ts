// Which tenant owns each entity of a declarative file. The file names it as
// GET shows it (`tenant = "ta"`, written by export); a file applied within a
// tenant (its token, or --tenant) may only name that tenant. An entity of a
// tenant must serve only names that tenant covers, as through the API. A file
// that names no tenant keeps the current owner (a new record: the request's).
import { AgentError } from "../../errors.ts";
import { slug } from "../../model/grammar.ts";
import type { TenantScope } from "../../api/principal.ts";
import type { Rec } from "../../store/store.ts";
import type { Runtime } from "../../runtime.ts";
import { scopeOf } from "./export.ts";

/** The body without `tenant`, and the tenant it names (checked against the file's scope). */
export function takeTenant(
  body: unknown,
  scope: TenantScope | null,
): { body: unknown; tenant?: string } {
  if (!body || typeof body !== "object" || Array.isArray(body) || !("tenant" in body)) {
    return { body };
  }
  const { tenant, ...rest } = body as Record<string, unknown>;
  const why = typeof tenant === "string" ? slug(tenant) : "must be a tenant's name";
  if (why) throw new AgentError("VALIDATION_FAILED", `tenant: ${why}`, { field: "tenant" });
  const t = tenant as string;
  if (scope && t !== scope.tenant) {
    throw new AgentError(
      "FORBIDDEN",
      `tenant: this file is applied within tenant ${scope.tenant}, not ${t}`,
      { field: "tenant" },
    );
  }
  return { body: rest, tenant: t };
}

/**
 * Why `tenant` may not own this entity: it does not exist (in the state or
 * the file) or the entity serves a name outside its domains; null when it may.
 */
export async function ownerRefusal(
  rt: Runtime,
  tenant: string,
  kind: string,
  spec: Record<string, unknown>,
  candidate: ReadonlyMap<string, Rec>,
): Promise<AgentError | null> {
  let scope: TenantScope;
  try {
    scope = await scopeOf(rt, tenant, candidate);
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    return new AgentError("VALIDATION_FAILED", `tenant: tenant "${tenant}" does not exist`, {
      field: "tenant",
    });
  }
  const r = scope.admit(kind, spec);
  if (!r) return null;
  return new AgentError("FORBIDDEN", r.field ? `${r.field}: ${r.message}` : r.message, {
    field: r.field || "tenant",
  });
}
