// Scoped, expiring API tokens: "sy_<id>_<secret>", shown once at creation and
// stored as a SHA-256 hash under ["token", id] in KV (not a kind: tokens are
// credentials, never rendered, exported or kept in generations). Listed without
// secrets, revocable, and refused once expired or revoked.
import { AgentError, invalid } from "../../errors.ts";
import type { Runtime } from "../../runtime.ts";
import type { Principal, Role } from "../../api/principal.ts";
import { timingSafeEqual } from "../../api/auth.ts";
import { appendAudit } from "../../store/audit.ts";
import { ttlSeconds } from "../../model/expiry.ts";
import { TENANT_KIND } from "./kind.ts";

export const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

export interface TokenRecord {
  id: string;
  name: string;
  tenant: string | null;
  role: Role;
  hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export type TokenView = Omit<TokenRecord, "hash"> & { status: "active" | "expired" | "revoked" };

const KEY = "token";
const hex = (n: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

async function sha256(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function viewOf(t: TokenRecord, now = Date.now()): TokenView {
  const { hash: _h, ...rest } = t;
  const status = t.revoked_at
    ? "revoked"
    : t.expires_at && Date.parse(t.expires_at) <= now
    ? "expired"
    : "active";
  return { ...rest, status };
}

export interface CreateToken {
  name?: unknown;
  tenant?: unknown;
  role?: unknown;
  /** 30d, 12h, 90m, 3600 (seconds); absent: no expiry. */
  expires?: unknown;
}

export async function createToken(
  rt: Runtime,
  body: CreateToken,
  actor: string,
): Promise<{ token: string } & TokenView> {
  const name = body.name === undefined ? "token" : body.name;
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]{1,63}$/.test(name)) {
    throw invalid("name", "must be 1-63 letters, digits, '.', '_' or '-'");
  }
  if (!ROLES.includes(body.role as Role)) {
    throw invalid("role", `must be one of ${ROLES.join(", ")}`);
  }
  const tenant = body.tenant === undefined || body.tenant === null ? null : String(body.tenant);
  if (tenant !== null && !(await rt.store.get(TENANT_KIND, tenant))) {
    throw new AgentError("NOT_FOUND", `tenant "${tenant}" does not exist`, { field: "tenant" });
  }
  if (tenant === null && body.role !== "admin") {
    throw invalid("tenant", "viewer and operator tokens belong to a tenant (--tenant T)");
  }
  let expires_at: string | null = null;
  if (body.expires !== undefined && body.expires !== null) {
    if (!/^\d{1,9}(s|m|h|d)?$/.test(String(body.expires))) {
      throw invalid("expires", "must be a duration like 30d, 12h, 90m or seconds");
    }
    expires_at = new Date(rt.store.now().getTime() + ttlSeconds(String(body.expires)) * 1000)
      .toISOString();
  }
  const id = hex(6);
  const secret = `sy_${id}_${hex(24)}`;
  const rec: TokenRecord = {
    id,
    name,
    tenant,
    role: body.role as Role,
    hash: await sha256(secret),
    created_at: rt.store.now().toISOString(),
    expires_at,
    revoked_at: null,
  };
  await rt.store.kv.set([KEY, id], rec);
  await audit(rt, actor, "token.create", rec);
  return { token: secret, ...viewOf(rec) };
}

async function audit(rt: Runtime, actor: string, action: string, t: TokenRecord) {
  await appendAudit(rt.store.kv, {
    actor,
    action,
    entity: { kind: "token", name: t.id },
    before: null,
    after: viewOf(t),
    at: rt.store.now().toISOString(),
    outcome: "applied",
    ...(t.tenant ? { tenant: t.tenant } : {}),
  });
}

export async function listTokens(rt: Runtime): Promise<TokenView[]> {
  const out: TokenView[] = [];
  for await (const e of rt.store.kv.list<TokenRecord>({ prefix: [KEY] })) out.push(viewOf(e.value));
  return out.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
}

export async function revokeToken(rt: Runtime, id: string, actor: string): Promise<TokenView> {
  const e = await rt.store.kv.get<TokenRecord>([KEY, id]);
  if (!e.value) throw new AgentError("NOT_FOUND", `token "${id}" does not exist`, { id });
  const rec = { ...e.value, revoked_at: e.value.revoked_at ?? rt.store.now().toISOString() };
  await rt.store.kv.set([KEY, id], rec);
  await audit(rt, actor, "token.revoke", rec);
  return viewOf(rec);
}

/** The principal of a presented token; null when it is not one; UNAUTHORIZED when it is a bad one. */
export async function resolveToken(rt: Runtime, secret: string): Promise<Principal | null> {
  const m = /^sy_([0-9a-f]{12})_[0-9a-f]{48}$/.exec(secret);
  if (!m) return null;
  const rec = (await rt.store.kv.get<TokenRecord>([KEY, m[1]])).value;
  if (!rec || !timingSafeEqual(rec.hash, await sha256(secret))) {
    throw new AgentError("UNAUTHORIZED", "invalid token");
  }
  const v = viewOf(rec, rt.store.now().getTime());
  if (v.status === "revoked") {
    throw new AgentError("UNAUTHORIZED", `token ${rec.name} (${rec.id}) was revoked`);
  }
  if (v.status === "expired") {
    throw new AgentError(
      "UNAUTHORIZED",
      `token ${rec.name} (${rec.id}) expired at ${rec.expires_at}`,
    );
  }
  if (rec.tenant && !(await rt.store.get(TENANT_KIND, rec.tenant))) {
    throw new AgentError("UNAUTHORIZED", `the tenant of token ${rec.name} no longer exists`);
  }
  return {
    via: "token",
    role: rec.role,
    tenant: rec.role === "admin" ? null : rec.tenant,
    token: { id: rec.id, name: rec.name },
  };
}
