// /api/plan, /api/apply, /api/export: the declarative state over HTTP. The
// body is the document as JSON (one table per kind keyed by name, `vars`
// allowed); ?prune=true deletes what the document leaves out (of the kinds it
// holds), ?only=site/a,pool/b narrows to those entities.
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { AgentError, invalid } from "../../errors.ts";
import { type CanaryOutcome, FLEET_CANARY } from "../../fleet/canary.ts";
import type { Runtime } from "../../runtime.ts";
import { actor, jsonBody } from "../../api/http.ts";
import { principalOf } from "../../api/principal.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { evaluate, planResult } from "./plan.ts";
import { applyDocument } from "./apply.ts";
import { exportDocument } from "./export.ts";
import type { ApplyResult, PlanRequest } from "./model.ts";

export const DocumentSchema = z.record(z.string(), z.record(z.string(), z.unknown())).describe(
  "One table per kind keyed by name ({pools: {web: {...}}, sites: {shop: {...}}}), the fields of each kind's PUT body; optional vars table",
);

export const gitopsDocs = new ApiDoc()
  .schema("Document", DocumentSchema)
  .describe("/api/plan", "post", {
    tag: "declarative",
    summary:
      "What the document would change (?prune, ?only=kind/name,..., ?tenant= for an admin; a tenant token plans within its tenant): errors by field path, per-entity field diff, the rendered nginx diff per file, nginx -t of the candidate; nothing is written",
    body: "Document",
  })
  .describe("/api/apply", "post", {
    tag: "declarative",
    summary:
      "Apply the document (?prune, ?only): one store write, one generation, one reload; each bad entity is refused alone (listed in refused). ?canary=NODE or a label key=value (a fleet; sent to NODE's own API): live on NODE first, the rest of the fleet applies it once NODE stayed healthy canary_hold seconds; anything refused, a failed round or a failing health check aborts it (answer: the apply plus canary)",
    body: "Document",
  })
  .describe("/api/export", "get", {
    tag: "declarative",
    summary:
      "The desired state as one document (?kind=sites for one kind); each record of a tenant carries tenant; a tenant token (or an admin with ?tenant=) gets only that tenant's records",
  });

function request(c: Context, body: unknown): PlanRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new AgentError("VALIDATION_FAILED", "(body): must be a document: one table per kind", {
      field: "(body)",
    });
  }
  const prune = c.req.query("prune");
  const only = c.req.query("only");
  return {
    document: body as Record<string, unknown>,
    prune: prune === "true" || prune === "1",
    only: only ? only.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
    tenant: tenantOf(c),
  };
}

/** The tenant a request acts within: a tenant token's own; an admin may act for one (?tenant=). */
function tenantOf(c: Context): string | undefined {
  const own = principalOf(c).tenant;
  const asked = c.req.query("tenant") || undefined;
  if (own && asked && asked !== own) {
    throw new AgentError("FORBIDDEN", `this token acts for tenant ${own}, not ${asked}`);
  }
  return own ?? asked;
}

export function planRouter(rt: Runtime): Hono {
  return new Hono().post("/", async (c) => {
    const req = request(c, await jsonBody(c));
    return c.json(planResult(await evaluate(rt, { ...req, nginxTest: true })));
  });
}

/** How an apply went, for a canary: anything refused or failed is not promoted. */
function judge(r: ApplyResult): CanaryOutcome {
  const bad = [
    ...r.refused.map((x) => `${x.path}: ${x.code}: ${x.message}`),
    ...(r.effects ?? []).filter((x) => !x.ok).map((x) => `${x.entity}: ${x.message}`),
  ];
  return {
    changed: r.applied.length + r.deleted.length > 0,
    failure: bad.length ? bad.join("; ") : r.status === "failed" ? "the apply failed" : null,
  };
}

export function applyRouter(rt: Runtime): Hono {
  return new Hono().post("/", async (c) => {
    const req = request(c, await jsonBody(c));
    const canary = c.req.query("canary");
    if (canary !== undefined) {
      // In a fleet: live on this node first, promoted to the rest after its hold.
      const svc = rt.tryUse(FLEET_CANARY);
      if (!svc) throw new AgentError("CONFLICT", "a canary needs the fleet feature");
      if (req.tenant) throw invalid("canary", "a canary applies for the whole fleet, not a tenant");
      const r = await svc.run(canary, actor(c), () => applyDocument(rt, req, actor(c)), judge);
      return c.json({ ...r.result, canary: r.canary });
    }
    const run = () => applyDocument(rt, req, actor(c));
    // what it creates belongs to the tenant (the guard already scopes tenant tokens)
    return c.json(await (req.tenant ? rt.store.tenantScope.run(req.tenant, run) : run()));
  });
}

export function exportRouter(rt: Runtime): Hono {
  return new Hono().get(
    "/",
    async (c) =>
      c.json({
        document: await exportDocument(rt, c.req.query("kind") || undefined, tenantOf(c)),
      }),
  );
}
