// /api/health: public liveness and a summary without secrets. Features add
// sections (certificates, ...) through healthSections.
import { Hono } from "hono";
import type { Runtime } from "../runtime.ts";
import { PRODUCT, VERSION } from "../version.ts";
import { nginxStatus } from "./config.ts";

export type HealthSection = (
  rt: Runtime,
) => Promise<{ name: string; value: unknown; degraded?: boolean }>;

export function healthRouter(rt: Runtime, sections: HealthSection[] = []): Hono {
  const r = new Hono();
  r.get("/", async (c) => {
    const nginx = await nginxStatus(rt);
    const last = rt.reconciler.lastApply;
    let degraded = nginx.installed && !nginx.running;
    const extra: Record<string, unknown> = {};
    for (const s of sections) {
      const v = await s(rt);
      extra[v.name] = v.value;
      degraded ||= v.degraded === true;
    }
    return c.json({
      status: degraded ? "degraded" : "ok",
      product: PRODUCT,
      version: VERSION,
      dev: rt.settings.dev,
      uptime_s: Math.round((Date.now() - rt.startedAt.getTime()) / 1000),
      generation: rt.reconciler.currentGeneration,
      apply_mode: rt.settings.apply_mode,
      last_apply: last ? { status: last.status, at: last.at, generation: last.generation } : null,
      nginx: {
        ...nginx,
        present: nginx.installed,
        // The last nginx -t the agent ran; before any, whether the last apply failed.
        config_test_ok: rt.nginx.lastTest?.ok ?? (last ? last.status !== "failed" : null),
        config_test_at: rt.nginx.lastTest?.at ?? null,
        ...(rt.nginx.lastTest && !rt.nginx.lastTest.ok
          ? { config_test_output: rt.nginx.lastTest.output }
          : {}),
      },
      ...extra,
    });
  });
  return r;
}
