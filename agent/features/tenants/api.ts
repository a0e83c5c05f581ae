// /api/tokens: scoped, expiring tokens (admin only; the guard enforces it).
// Tenants themselves are a kind: /api/tenants is the generic resource router.
import { Hono } from "hono";
import { z } from "zod";
import type { Runtime } from "../../runtime.ts";
import { actor, changeOptions, changeResponse, jsonBody, param } from "../../api/http.ts";
import { notFound } from "../../errors.ts";
import { submitChange } from "../../changes/apply.ts";
import { parseTenant, TENANT_KIND, TenantSchema } from "./kind.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { createToken, listTokens, revokeToken } from "./tokens.ts";

export const TokenCreateSchema = z.strictObject({
  name: z.string().max(63).optional(),
  tenant: z.string().max(63).optional(),
  role: z.enum(["viewer", "operator", "admin"]),
  expires: z.union([z.string(), z.number()]).optional(),
});

export const tokensDocs = new ApiDoc()
  .schema("TokenCreate", TokenCreateSchema)
  .describe("/api/tokens", "get", {
    tag: "tokens",
    summary: "List tokens (no secrets): id, name, tenant, role, expiry, status",
  })
  .describe("/api/tokens", "post", {
    tag: "tokens",
    summary: "Create a token; the answer holds its secret, shown this once (201)",
    body: "TokenCreate",
  })
  .describe("/api/tokens/{id}", "delete", { tag: "tokens", summary: "Revoke a token" });

export function tokensRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => c.json({ tokens: await listTokens(rt) }));
  r.post(
    "/",
    async (c) =>
      c.json(await createToken(rt, await jsonBody(c) as Record<string, unknown>, actor(c)), 201),
  );
  r.delete("/:id", async (c) => c.json(await revokeToken(rt, param(c, "id"), actor(c))));
  return r;
}

export const tenantsDocs = new ApiDoc()
  .schema("Tenant", TenantSchema)
  .describe("/api/tenants", "get", { tag: "tenants", summary: "List tenants (admin)" })
  .describe("/api/tenants/{name}", "get", { tag: "tenants", summary: "Get a tenant (admin)" })
  .describe("/api/tenants/{name}", "put", {
    tag: "tenants",
    summary:
      "Create or update a tenant: the domain suffixes it owns (admin; 409 when another tenant owns one)",
    body: "Tenant",
  })
  .describe("/api/tenants/{name}", "delete", {
    tag: "tenants",
    summary: "Delete a tenant (its tokens stop working)",
  });

export function tenantsRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => c.json({ tenants: await rt.store.list(TENANT_KIND) }));
  r.get("/:name", async (c) => {
    const t = await rt.store.get(TENANT_KIND, param(c, "name"));
    if (!t) throw notFound(TENANT_KIND, param(c, "name"));
    return c.json(t);
  });
  r.put("/:name", async (c) => {
    const o = changeOptions(c);
    const t = parseTenant(param(c, "name"), await jsonBody(c));
    const { name: _n, ...spec } = t;
    const results = await rt.store.write(() => ({
      ops: [{ type: "put", kind: TENANT_KIND, name: t.name, spec, ifMatch: o.ifMatch }],
      actor: o.actor,
      action: "tenant.put",
    }));
    return changeResponse(c, await submitChange(rt, results));
  });
  r.delete("/:name", async (c) => {
    const o = changeOptions(c);
    const name = param(c, "name");
    const results = await rt.store.write(async () => {
      if (!(await rt.store.get(TENANT_KIND, name))) throw notFound(TENANT_KIND, name);
      return {
        ops: [{ type: "delete", kind: TENANT_KIND, name, ifMatch: o.ifMatch }],
        actor: o.actor,
        action: "tenant.delete",
      };
    });
    return changeResponse(c, await submitChange(rt, results));
  });
  return r;
}
