// The Hono application: auth, limits, the one error shape, and the routers.
// Features mount their own routers through `host.route`.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AgentError, asAgentError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { requireAuth } from "./auth.ts";
import { poolsRouter } from "../kinds/pool/api.ts";
import { sitesRouter } from "../kinds/site/api.ts";
import { configRouter } from "./config.ts";
import { auditRouter } from "./audit.ts";
import { healthRouter } from "./health.ts";
import { coreDocs, openApiDocument } from "./openapi.ts";
import { schedulerRouter } from "./scheduler.ts";
import type { HealthSection, RequestInfo, RouteDef } from "../host.ts";
import { matchedRoutes } from "hono/route";
import { API_GUARD, principalOf, TOKEN_AUTH } from "./principal.ts";
import { FLEET_WAIT, waitMiddleware } from "./wait.ts";

export const MAX_BODY = 1024 * 1024;

export interface AppOptions {
  /** The features' routers, each under /api/<prefix>. */
  routes?: readonly RouteDef[];
  health?: readonly HealthSection[];
  /** Sections of GET /api/config/status. */
  status?: readonly [string, (rt: Runtime) => Promise<unknown>][];
  /** See every answered /api request (metrics). */
  observers?: readonly ((info: RequestInfo) => void)[];
  /** Serves the web UI (mounted at /). */
  ui?: (rt: Runtime) => Hono;
}

// /api/docs: the API reference page (agent/features/operator), public like the document it reads.
const PUBLIC = new Set(["/api/health", "/api/openapi.json"]);
const isPublic = (p: string) => PUBLIC.has(p) || p === "/api/docs" || p.startsWith("/api/docs/");

export function createApp(rt: Runtime, opts: AppOptions = {}): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    const e = asAgentError(err);
    if (e.code === "INTERNAL") {
      rt.log(`internal error on ${c.req.method} ${c.req.path}: ${err.stack ?? err}`);
    }
    return c.json(e.toJSON(), e.status as 400);
  });
  app.notFound((c) =>
    c.json(
      new AgentError("NOT_FOUND", `no such endpoint: ${c.req.method} ${c.req.path}`).toJSON(),
      404,
    )
  );
  if (opts.observers?.length) {
    app.use("/api/*", async (c, next) => {
      const started = performance.now();
      await next();
      // The pattern of the handler that answered (not the path: bounded label values).
      const h = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1);
      const info = {
        method: c.req.method,
        route: h?.path ?? "unmatched",
        status: c.res.status,
        seconds: (performance.now() - started) / 1000,
      };
      for (const o of opts.observers!) o(info);
    });
  }
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY,
      onError: (c) =>
        c.json(
          new AgentError("PAYLOAD_TOO_LARGE", `request body is over ${MAX_BODY} bytes (1 MiB)`)
            .toJSON(),
          413,
        ),
    }),
  );
  app.use("/api/*", requireAuth(() => rt.apiKey, isPublic, rt.tryUse(TOKEN_AUTH)));
  const guard = rt.tryUse(API_GUARD);
  if (guard) app.use("/api/*", guard);
  app.use("/api/*", waitMiddleware(rt.tryUse(FLEET_WAIT)));
  app.route("/api/health", healthRouter(rt, opts.health));
  // who the caller is (the UI shows only what the role allows)
  app.get("/api/whoami", (c) => c.json(principalOf(c)));
  const docs = [coreDocs, ...(opts.routes ?? []).flatMap((r) => r.docs ? [r.docs] : [])];
  app.get("/api/openapi.json", (c) => c.json(openApiDocument(docs)));
  app.route("/api/pools", poolsRouter(rt));
  app.route("/api/sites", sitesRouter(rt));
  app.route("/api/config", configRouter(rt, opts.status ?? []));
  app.route("/api/audit", auditRouter(rt));
  app.route("/api/scheduler", schedulerRouter(rt));
  for (const r of opts.routes ?? []) {
    if (r.at) {
      for (const p of [r.at, `${r.at}/*`]) {
        app.use(p, bodyLimit({ maxSize: MAX_BODY }), requireAuth(() => rt.apiKey, () => false));
      }
    }
    app.route(r.at ?? (r.root ? `/${r.prefix}` : `/api/${r.prefix}`), r.make(rt));
  }
  if (opts.ui) app.route("/", opts.ui(rt));
  return app;
}
