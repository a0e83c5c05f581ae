// GET /api/health/members and GET /api/pools/{name}/health: per member
// healthy | unhealthy | ejected | unknown, last check, last error, latency, transitions.
import { Hono } from "hono";
import { AgentError } from "../../errors.ts";
import { param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { HEALTH } from "./monitor.ts";
import { memberViews, reasons, summary } from "./views.ts";
import type { HealthRuntime } from "./settings.ts";

export const healthDocs = new ApiDoc()
  .describe("/api/health/members", "get", {
    tag: "health",
    summary: "Every probed member: status, last check, last error, latency, transitions",
  });

export const poolHealthDocs = new ApiDoc()
  .describe("/api/pools/{name}/health", "get", {
    tag: "health",
    summary: "The members of one pool as the health checks see them",
  });

export function membersRouter(rt: HealthRuntime): Hono {
  const r = new Hono();
  r.get("/members", async (c) => {
    const views = await memberViews(rt);
    return c.json({
      summary: summary(views, rt.use(HEALTH), rt.settings.health_ejection),
      reasons: reasons(views),
      members: views,
    });
  });
  return r;
}

export function poolHealthRouter(rt: HealthRuntime): Hono {
  const r = new Hono();
  r.get("/:name/health", async (c) => {
    const name = param(c, "name");
    const pool = await rt.store.get("pool", name);
    if (!pool) throw new AgentError("NOT_FOUND", `no pool ${name}`, { kind: "pool", name });
    const views = (await memberViews(rt)).filter((v) => v.source === "pool" && v.pool === name);
    return c.json({
      pool: name,
      health_check: pool.health_check ?? null,
      summary: summary(views, rt.use(HEALTH), rt.settings.health_ejection),
      reasons: reasons(views),
      members: views,
    });
  });
  return r;
}
