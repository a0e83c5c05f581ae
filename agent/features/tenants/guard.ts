// The one place a principal is applied to the API, generic over the kinds.
// Roles: viewer reads, operator writes (not tenants, tokens or settings),
// admin does everything. A tenant token (viewer or operator of one tenant)
// reaches only the kinds' endpoints and the audit log, scoped to its tenant:
// lists hold only its records (listAnswer filters them), another tenant's
// record is "not found", a write may only name server names its tenant covers
// and refer to its own records, and what it creates is stamped with its tenant (by the store, in the same
// atomic write). Every other endpoint is refused to tenant tokens.
import type { Context, MiddlewareHandler, Next } from "hono";
import { AgentError } from "../../errors.ts";
import type { AnyKind } from "../../kind.ts";
import type { Runtime } from "../../runtime.ts";
import type { Rec } from "../../store/store.ts";
import { type Principal, principalOf, type TenantScope } from "../../api/principal.ts";
import { covers, type Tenant, TENANT_KIND } from "./kind.ts";
import { type Json, namesMatcher, scrubNames } from "./scrub.ts";
import { SCOPED, type ScopedRequest } from "../../api/http.ts";
import { scopedBody, storedName, stripAnswer, stripError } from "./names.ts";

type Json0 = Record<string, unknown>;

const READ = new Set(["GET", "HEAD"]);
/** Reads that are POSTs. */
const READ_POSTS = new Set(["/api/plan", "/api/config/validate"]);
/** Endpoints only an admin changes (reads of tokens too). */
const ADMIN = [/^\/api\/tenants(\/|$)/, /^\/api\/tokens(\/|$)/, /^\/api\/fleet(\/|$)/];
const ADMIN_WRITES = [/^\/api\/config(\/|$)/, /^\/api\/(restore|rollback|rewrite)(\/|$)/];
/** The declarative plan and apply (and export) scope themselves (TENANT_SCOPE). */
const DECLARATIVE = new Set(["/api/plan", "/api/apply"]);

const forbidden = (p: Principal, what: string) =>
  new AgentError(
    "FORBIDDEN",
    `${what} (token ${p.token?.name ?? "?"}, role ${p.role}${
      p.tenant ? `, tenant ${p.tenant}` : ""
    })`,
  );

/** The answer's JSON body replaced by `edit` of it (a JSON object; anything else is kept). */
async function rewrite(
  c: Context,
  edit: (body: Record<string, Json>) => Record<string, Json> | Promise<Record<string, Json>>,
) {
  const body = await c.res.clone().json().catch(() => null);
  if (!body || typeof body !== "object" || Array.isArray(body)) return;
  c.res = new Response(JSON.stringify(await edit(body)), {
    status: c.res.status,
    headers: c.res.headers,
  });
}

/** The names of a record's routes (a site's), which answers may mention too. */
const routeNames = (rec: Rec): string[] =>
  Array.isArray(rec.routes)
    ? rec.routes.map((r) => (r as { name?: unknown }).name).filter((n) => typeof n === "string")
    : [];

/** Server names a record (and what it owns) would serve. */
export function serverNames(
  k: AnyKind,
  spec: Record<string, unknown>,
): { name: string; field: string }[] {
  const out: { name: string; field: string }[] = [];
  const add = (s: Record<string, unknown>, prefix: string) => {
    if (Array.isArray(s.server_names)) {
      s.server_names.forEach((n, i) =>
        out.push({ name: String(n), field: `${prefix}server_names[${i}]` })
      );
    }
    if (typeof s.domain === "string") out.push({ name: s.domain, field: `${prefix}domain` });
    if (Array.isArray(s.domains) && k.name !== TENANT_KIND) {
      s.domains.forEach((n, i) => out.push({ name: String(n), field: `${prefix}domains[${i}]` }));
    }
  };
  add(spec, "");
  return out;
}

export function tenantGuard(rt: Runtime): MiddlewareHandler {
  const kindOf = (plural: string) =>
    rt.kinds.list().find((k) => k.plural === plural && !k.internal && k.name !== TENANT_KIND);
  const theirs = (p: Principal, rec: Rec | null) => !!rec && rec.tenant === p.tenant;

  async function scopedKind(c: Context, next: Next, p: Principal, k: AnyKind, rest: string[]) {
    const method = c.req.method;
    if (rest.length === 0) {
      if (!READ.has(method)) throw forbidden(p, `${method} /api/${k.plural} is not allowed`);
      // the list itself keeps only the tenant's records (listAnswer, before paging: the
      // one place), so totals and pages agree and views without a tenant field still list
      return await next();
    }
    // Only the record endpoints (GET, PUT, DELETE of a name and its parts): actions
    // such as /projects/check or /proxies/sync-from-registry reach past one tenant.
    if (!["GET", "HEAD", "PUT", "DELETE"].includes(method)) {
      throw forbidden(p, `${method} ${c.req.path} is not available to tenant tokens`);
    }
    const plain = decodeURIComponent(rest[0]);
    const name = await storedName(rt, p.tenant!, k, plain);
    const cur = await rt.store.get(k.name, name);
    if (cur && !theirs(p, cur)) {
      throw new AgentError("NOT_FOUND", `${k.name} "${plain}" does not exist`, {
        kind: k.name,
        name: plain,
      });
    }
    const scoped: ScopedRequest = { name: { from: plain, to: name } };
    if (!READ.has(method)) {
      const text = await c.req.text();
      let body: unknown = null;
      try {
        body = text.trim() ? JSON.parse(text) : {};
      } catch { /* the router answers the malformed body */ }
      if (body && typeof body === "object" && !Array.isArray(body)) {
        scoped.body = await scopedBody(rt, p.tenant!, k, scoped.name, rest, body as Json0);
        await checkWrite(p, k, name, rest, scoped.body as Json0);
      }
    }
    c.set(SCOPED as never, scoped as never);
    await rt.store.tenantScope.run(p.tenant!, next);
  }

  async function checkWrite(
    p: Principal,
    k: AnyKind,
    name: string,
    rest: string[],
    body: Record<string, unknown>,
  ) {
    const tenant = await rt.store.get(TENANT_KIND, p.tenant!) as (Rec & Tenant) | null;
    if (!tenant) throw forbidden(p, `tenant ${p.tenant} does not exist`);
    let spec: Record<string, unknown> | null = null;
    if (rest.length === 1) {
      try {
        spec = k.parse(name, body, rt.settings) as Record<string, unknown>;
      } catch {
        return; // the router answers with the validation error
      }
    }
    const specs = spec
      ? [spec, ...(k.owned?.(spec as { name: string }) ?? []).map((o) => o.spec)]
      : [body];
    for (const n of serverNames(k, specs[0])) {
      if (!covers(tenant.domains, n.name)) {
        throw new AgentError(
          "FORBIDDEN",
          `${n.field}: server name ${n.name} is outside tenant ${tenant.name}'s domains (${
            tenant.domains.join(", ")
          })`,
          { field: n.field, server_name: n.name, tenant: tenant.name },
        );
      }
    }
    const refs = spec
      ? [spec, ...specs.slice(1)].flatMap((s) =>
        rt.kinds.get(k.name)?.refs?.(s as { name: string }) ?? []
      )
      : typeof body.pool === "string"
      ? [{ kind: "pool", name: body.pool, field: "pool" }]
      : [];
    for (const r of refs) {
      const target = await rt.store.get(r.kind, r.name);
      if (target && !theirs(p, target)) {
        throw new AgentError(
          "VALIDATION_FAILED",
          `${r.field}: ${r.kind} "${r.name}" does not exist`,
          { field: r.field },
        );
      }
    }
  }

  /** The logs of a tenant's own projects (nginx's logs are the host's, every tenant's traffic). */
  async function tenantLogs(c: Context, next: Next, p: Principal, path: string) {
    const source = path.split("/")[4];
    const own = async (id: string) => {
      const rec = id.startsWith("project:") ? await rt.store.get("project", id.slice(8)) : null;
      return theirs(p, rec);
    };
    if (source === undefined) {
      await next();
      return await rewrite(c, async (body) => {
        const all = Array.isArray(body.sources) ? body.sources as { id: string }[] : [];
        const mine = [];
        for (const s of all) if (await own(s.id)) mine.push(s);
        return { ...body, sources: mine as Json[] };
      });
    }
    const plain = decodeURIComponent(source);
    const k = rt.kinds.get("project");
    const stored = plain.startsWith("project:") && k
      ? `project:${await storedName(rt, p.tenant!, k, plain.slice(8))}`
      : plain;
    if (!(await own(stored))) {
      throw new AgentError("NOT_FOUND", `no log named ${JSON.stringify(plain)}`, {
        field: "source",
      });
    }
    c.set(SCOPED as never, { name: { from: plain, to: stored, param: "source" } } as never);
    return await next();
  }

  /**
   * The host's health as a tenant may read it: nothing that names another's
   * entity (a stored one by name, any by id: a refused one is no longer
   * stored), and not nginx's own output (it is about the whole host's files).
   */
  async function hostView(body: Record<string, Json>, p: Principal) {
    const own = new Set<string>();
    const other = new Set<string>();
    const ownIds = new Set<string>();
    for (const [id, rec] of await rt.store.all()) {
      if (id.startsWith(`${TENANT_KIND}/`)) {
        if (rec.name !== p.tenant) other.add(rec.name);
        continue;
      }
      const mine = rec.tenant === p.tenant;
      if (mine) ownIds.add(id);
      for (const n of [rec.name, ...routeNames(rec)]) (mine ? own : other).add(n);
    }
    const byName = namesMatcher([...other].filter((n) => !own.has(n)));
    const ids = new RegExp(
      `(?<![A-Za-z0-9-])(?:${rt.kinds.list().map((k) => k.name).join("|")})/[a-z0-9-]+`,
      "g",
    );
    const foreign = (s: string) => byName(s) || [...s.matchAll(ids)].some((m) => !ownIds.has(m[0]));
    const { config_test_output: _o, ...nginx } = (body.nginx ?? {}) as Record<string, Json>;
    const out = scrubNames({ ...body, nginx }, foreign) as Record<string, Json>;
    // degraded by another's entity only: the reasons that said so are gone
    const why = Array.isArray(out.reasons) ? out.reasons : [];
    if (out.status === "degraded" && !why.some((r) => (r as { degraded?: boolean }).degraded)) {
      out.status = "ok";
    }
    return out;
  }

  /** An admin acting for a tenant (?tenant=) on what a tenant reaches: as that tenant's token. */
  async function actingFor(c: Context, p: Principal): Promise<Principal | null> {
    const asked = c.req.query("tenant");
    if (!asked) return null;
    const path = c.req.path.replace(/\/+$/, "");
    const scoped = kindOf(path.split("/")[2] ?? "") || DECLARATIVE.has(path) ||
      ["/api/export", "/api/audit"].includes(path);
    if (!scoped) return null;
    if (!(await rt.store.get(TENANT_KIND, asked))) {
      throw new AgentError("NOT_FOUND", `tenant "${asked}" does not exist`, { field: "tenant" });
    }
    return { ...p, tenant: asked };
  }

  async function guard(c: Context, next: Next, p: Principal) {
    const path = c.req.path.replace(/\/+$/, "");
    const method = c.req.method;
    const read = READ.has(method) || (method === "POST" && READ_POSTS.has(path));
    if (!read && p.role === "viewer") {
      throw forbidden(p, `a viewer only reads: ${method} ${path} is not allowed`);
    }
    if (ADMIN.some((r) => r.test(path)) || (!read && ADMIN_WRITES.some((r) => r.test(path)))) {
      throw forbidden(p, `${method} ${path} needs an admin`);
    }
    if (!p.tenant) return await next();
    const [, , plural, ...rest] = path.split("/");
    const k = kindOf(plural ?? "");
    if (k) return await scopedKind(c, next, p, k, rest);
    if (path === "/api/audit" && method === "GET") {
      await next();
      return await rewrite(c, (body) => {
        if (!Array.isArray(body.entries)) return body;
        const entries = body.entries.filter((e) => (e as { tenant?: string }).tenant === p.tenant);
        return { ...body, entries };
      });
    }
    if (path === "/api/health" && read) {
      await next();
      return await rewrite(c, (body) => hostView(body, p));
    }
    if (["/api/openapi.json", "/api/whoami"].includes(path)) return await next();
    if (path.startsWith("/api/console/logs") && read) return await tenantLogs(c, next, p, path);
    if ((DECLARATIVE.has(path) && method === "POST") || (path === "/api/export" && read)) {
      return await rt.store.tenantScope.run(p.tenant, next);
    }
    throw forbidden(p, `${method} ${path} is not available to tenant tokens`);
  }

  return async (c, next) => {
    let p = principalOf(c);
    if (p.via === "root" || (p.role === "admin" && !p.tenant)) {
      const acting = await actingFor(c, p);
      if (!acting) return await next();
      p = acting;
      c.set("principal" as never, p as never); // lists and audit entries are the tenant's
    }
    const tenant = p.tenant;
    try {
      await guard(c, next, p);
    } catch (e) {
      throw tenant ? stripError(e, tenant) : e;
    }
    // names as the tenant wrote them (its prefix is the store's)
    if (tenant) await stripAnswer(c, tenant);
  };
}

/** The scope of one tenant for generic code (the declarative plan and apply). */
export async function tenantScope(
  rt: Runtime,
  name: string,
  state?: ReadonlyMap<string, Record<string, unknown>>,
): Promise<TenantScope> {
  const t =
    (state ? state.get(`${TENANT_KIND}/${name}`) ?? null : await rt.store.get(TENANT_KIND, name)) as
      | (Rec & Tenant)
      | null;
  if (!t) throw new AgentError("NOT_FOUND", `tenant "${name}" does not exist`, { field: "tenant" });
  return {
    tenant: name,
    visible: (rec) => rec.tenant === name,
    admit(kind, spec) {
      const k = rt.kinds.get(kind);
      if (!k || k.name === TENANT_KIND) {
        return { field: "", message: "tenants are managed by an admin" };
      }
      const specs = [spec, ...(k.owned?.(spec as { name: string }) ?? []).map((o) => o.spec)];
      for (const s of specs) {
        for (const n of serverNames(k, s as Record<string, unknown>)) {
          if (!covers(t.domains, n.name)) {
            return {
              field: s === spec ? n.field : "",
              message: `server name ${n.name} is outside tenant ${name}'s domains (${
                t.domains.join(", ")
              })`,
            };
          }
        }
      }
      return null;
    },
  };
}
