// Who a request acts for. The API key (and a UI session made with it) is the
// root admin; a token (the tenants feature) is a principal with a role and,
// for tenant tokens, one tenant. The auth middleware sets it on the Hono
// context; the tenant guard (one middleware, generic over the kinds) applies it.
import type { Context, MiddlewareHandler } from "hono";
import type { ServiceKey } from "../runtime.ts";

// (built here, not with serviceKey(): runtime.ts imports the API, a cycle)
const serviceKey = <T>(id: string): ServiceKey<T> => ({ id });

export type Role = "viewer" | "operator" | "admin";

export interface Principal {
  /** "root": the API key; "token": an issued token. */
  via: "root" | "token";
  role: Role;
  /** Set for tenant tokens: everything they see and change is this tenant's. */
  tenant: string | null;
  /** The token's id and name (audit entries name them). */
  token?: { id: string; name: string };
}

export const ROOT: Principal = { via: "root", role: "admin", tenant: null };

/** Resolves a presented secret that is not the API key: a principal, or null if it is no token. */
export const TOKEN_AUTH = serviceKey<(secret: string) => Promise<Principal | null>>("token-auth");

/** The middleware that scopes every /api request to its principal (the tenants feature). */
export const API_GUARD = serviceKey<MiddlewareHandler>("api-guard");

export function principalOf(c: Context): Principal {
  return (c.get("principal" as never) as Principal | undefined) ?? ROOT;
}

/** What one tenant may see and write, for generic code (the declarative plan). */
export interface TenantScope {
  tenant: string;
  /** A stored record of this tenant. */
  visible(rec: { tenant?: string }): boolean;
  /** Why the tenant may not write this record of `kind` (server names it does not own), or null. */
  admit(kind: string, spec: Record<string, unknown>): { field: string; message: string } | null;
}

/** A tenant's scope; `state` (records by entity id) is read instead of the store when given. */
export const TENANT_SCOPE = serviceKey<
  (tenant: string, state?: ReadonlyMap<string, Record<string, unknown>>) => Promise<TenantScope>
>("tenant-scope");

/** The UI's cookie when someone logs in with a token instead of the API key. */
export const TOKEN_COOKIE = "switchyard_token";
