// /api/audit: the change history with filters.
import { Hono } from "hono";
import { invalid } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { queryAudit } from "../store/audit.ts";

export function auditRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => {
    const q = c.req.query();
    for (const k of ["from", "to"] as const) {
      if (q[k] && Number.isNaN(Date.parse(q[k]))) {
        throw invalid(k, "must be an ISO 8601 date or time");
      }
    }
    const num = (k: "page" | "page_size") => {
      if (q[k] === undefined) return undefined;
      if (!/^\d+$/.test(q[k]) || Number(q[k]) < 1) throw invalid(k, "must be a positive integer");
      return Number(q[k]);
    };
    return c.json(
      await queryAudit(rt.store.kv, {
        // entity_type (nanio's name): every entry of one kind.
        entity: q.entity ?? q.entity_type,
        action: q.action,
        from: q.from,
        to: q.to,
        page: num("page"),
        pageSize: num("page_size"),
      }),
    );
  });
  return r;
}
