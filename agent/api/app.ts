// The Hono application: auth, limits, the one error shape, and the routers.
// Features mount their own routers through `mounts`.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AgentError, asAgentError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { requireAuth } from "./auth.ts";
import { poolsRouter } from "./pools.ts";
import { sitesRouter } from "./sites.ts";
import { configRouter } from "./config.ts";
import { auditRouter } from "./audit.ts";
import { healthRouter, type HealthSection } from "./health.ts";
import { openApiDocument } from "./openapi.ts";

export const MAX_BODY = 1024 * 1024;

export interface AppOptions {
  /** Extra routers: [path prefix under /api, router]. */
  mounts?: [string, (rt: Runtime) => Hono][];
  health?: HealthSection[];
  /** Serves the web UI (mounted at /). */
  ui?: (rt: Runtime) => Hono;
}

const PUBLIC = new Set(["/api/health", "/api/openapi.json"]);

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
  app.use("/api/*", requireAuth(() => rt.apiKey, (p) => PUBLIC.has(p)));
  app.route("/api/health", healthRouter(rt, opts.health));
  app.get("/api/openapi.json", (c) => c.json(openApiDocument()));
  app.route("/api/pools", poolsRouter(rt));
  app.route("/api/sites", sitesRouter(rt));
  app.route("/api/config", configRouter(rt));
  app.route("/api/audit", auditRouter(rt));
  for (const [prefix, make] of opts.mounts ?? []) app.route(`/api/${prefix}`, make(rt));
  if (opts.ui) app.route("/", opts.ui(rt));
  return app;
}
