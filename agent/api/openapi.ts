// /api/openapi.json: the API described from the same zod schemas that validate
// requests, so the document cannot drift from the code.
import { z } from "zod";
import { MemberSchema, PoolSpecSchema } from "../kinds/pool/schema.ts";
import { RouteSchema, SiteSpecSchema } from "../kinds/site/schema.ts";
import { VERSION } from "../version.ts";

type Op = { summary: string; body?: string; tag: string; public?: boolean };

/** One router's endpoints and body schemas; a feature hands its own to `host.route`. */
export class ApiDoc {
  readonly ops: Record<string, Record<string, Op>> = {};
  readonly schemas: Record<string, z.ZodType> = {};

  describe(path: string, method: string, op: Op): this {
    (this.ops[path] ??= {})[method] = op;
    return this;
  }

  schema(name: string, schema: z.ZodType): this {
    this.schemas[name] = schema;
    return this;
  }
}

export const coreDocs = new ApiDoc()
  .schema("Pool", PoolSpecSchema)
  .schema("Member", MemberSchema)
  .schema("Site", SiteSpecSchema)
  .schema("Route", RouteSchema);

const core: [string, string, Op][] = [
  ["/api/pools", "get", { tag: "pools", summary: "List pools" }],
  ["/api/pools/{name}", "get", { tag: "pools", summary: "Get a pool" }],
  ["/api/pools/{name}", "put", {
    tag: "pools",
    summary: "Create or update a pool (201 created, 200 updated)",
    body: "Pool",
  }],
  ["/api/pools/{name}", "delete", {
    tag: "pools",
    summary: "Delete a pool (409 while sites use it)",
  }],
  ["/api/pools/{name}/members", "get", { tag: "pools", summary: "List a pool's members" }],
  ["/api/pools/{name}/members/{address}", "put", {
    tag: "pools",
    summary: "Add or update a member",
    body: "Member",
  }],
  ["/api/pools/{name}/members/{address}", "delete", { tag: "pools", summary: "Remove a member" }],
  ["/api/sites", "get", { tag: "sites", summary: "List sites" }],
  ["/api/sites/{name}", "get", { tag: "sites", summary: "Get a site" }],
  ["/api/sites/{name}", "put", { tag: "sites", summary: "Create or update a site", body: "Site" }],
  ["/api/sites/{name}", "delete", { tag: "sites", summary: "Delete a site" }],
  ["/api/sites/{name}/routes", "get", { tag: "sites", summary: "List a site's routes" }],
  ["/api/sites/{name}/routes/{route}", "get", { tag: "sites", summary: "Get a route" }],
  ["/api/sites/{name}/routes/{route}", "put", {
    tag: "sites",
    summary: "Add or update a route",
    body: "Route",
  }],
  ["/api/sites/{name}/routes/{route}", "delete", { tag: "sites", summary: "Remove a route" }],
  ["/api/config/status", "get", {
    tag: "config",
    summary: "Generation, pending changes, nginx state, last apply",
  }],
  ["/api/config/validate", "post", {
    tag: "config",
    summary: "nginx -t of the desired state, without applying",
  }],
  ["/api/config/apply", "post", { tag: "config", summary: "Apply pending changes now" }],
  ["/api/config/reload", "post", {
    tag: "config",
    summary: "Reload nginx onto the current generation",
  }],
  ["/api/config/preview/sites/{name}", "get", {
    tag: "config",
    summary: "Rendered nginx text of a site",
  }],
  ["/api/config/preview/pools/{name}", "get", {
    tag: "config",
    summary: "Rendered nginx text of a pool",
  }],
  ["/api/config/generations", "get", { tag: "config", summary: "Generations kept on disk" }],
  ["/api/audit", "get", {
    tag: "audit",
    summary:
      "Change history (entity: kind or kind/name, entity_type: kind, action, from, to, page, page_size)",
  }],
  ["/api/scheduler", "get", {
    tag: "scheduler",
    summary: "Every background job: last run, duration, outcome, next run",
  }],
  ["/api/scheduler/{job}/run", "post", { tag: "scheduler", summary: "Run a job now" }],
  ["/api/health", "get", { tag: "health", summary: "Health summary (public)", public: true }],
  ["/api/whoami", "get", {
    tag: "health",
    summary: "The caller: via (root or token), role, tenant, token name",
  }],
  ["/api/openapi.json", "get", { tag: "health", summary: "This document (public)", public: true }],
];
for (const [p, m, o] of core) coreDocs.describe(p, m, o);

export function openApiDocument(docs: readonly ApiDoc[]): Record<string, unknown> {
  const ops: Record<string, Record<string, Op>> = {};
  const schemas: Record<string, unknown> = {};
  for (const d of docs) {
    for (const [path, methods] of Object.entries(d.ops)) Object.assign(ops[path] ??= {}, methods);
    for (const [name, sch] of Object.entries(d.schemas)) {
      schemas[name] = z.toJSONSchema(sch, { io: "input", unrepresentable: "any" });
    }
  }
  const paths: Record<string, unknown> = {};
  for (const [path, methods] of Object.entries(ops)) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    paths[path] = Object.fromEntries(
      Object.entries(methods).map(([m, o]) => [m, {
        tags: [o.tag],
        summary: o.summary,
        ...(params.length ? { parameters: params } : {}),
        ...(o.body
          ? {
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: { $ref: `#/components/schemas/${o.body}` } },
              },
            },
          }
          : {}),
        ...(o.public ? { security: [] } : {}),
        responses: {
          "200": { description: "OK" },
          ...(m === "put" ? { "201": { description: "Created" } } : {}),
          default: {
            description: "Error",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      }]),
    );
  }
  return {
    openapi: "3.1.0",
    info: { title: "Switchyard agent API", version: VERSION },
    security: [{ bearer: [] }, { agentKey: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        agentKey: { type: "apiKey", in: "header", name: "X-Agent-Key" },
      },
      schemas: {
        ...schemas,
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                detail: { type: "object" },
              },
              required: ["code", "message", "detail"],
            },
          },
        },
      },
    },
  };
}
