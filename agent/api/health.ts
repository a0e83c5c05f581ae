// /api/health: public liveness and a summary without secrets. Features add
// sections (certificates, ...) through `host.health`.
import { Hono } from "hono";
import type { Runtime } from "../runtime.ts";
import { PRODUCT, VERSION } from "../version.ts";
import { nginxStatus } from "./config.ts";
import type { HealthReason, HealthSection } from "../host.ts";
import type { ApplyOutcome } from "../nginx/reconciler.ts";

/** The core's own reasons: nginx down, and how the last apply ended. */
export function coreReasons(
  nginx: { installed: boolean; running: boolean },
  last: ApplyOutcome | null,
  generation: number | null,
): HealthReason[] {
  const out: HealthReason[] = [];
  if (nginx.installed && !nginx.running) {
    out.push({ message: "nginx is not running", link: "#/", degraded: true });
  }
  const serves = generation === null ? "no generation yet" : `generation ${generation}`;
  if (last && last.refused.length) {
    // The refused entities went back to what nginx serves: a note, not a standing failure.
    out.push({
      message: `refused and reverted: nginx serves ${serves} (${
        last.refused.map((r) => r.id).join(", ")
      })`,
      link: "#/audit",
      degraded: false,
    });
  } else if (last?.status === "failed") {
    out.push({
      message: `the last apply failed (${
        last.error?.message ?? "see the audit log"
      }): nginx serves ${serves}`,
      link: "#/audit",
      degraded: false,
    });
  }
  return out;
}

export function healthRouter(rt: Runtime, sections: readonly HealthSection[] = []): Hono {
  const r = new Hono();
  r.get("/", async (c) => {
    const nginx = await nginxStatus(rt);
    const last = rt.reconciler.lastApply;
    let degraded = nginx.installed && !nginx.running;
    const extra: Record<string, unknown> = {};
    const reasons = coreReasons(nginx, last, rt.reconciler.currentGeneration);
    for (const s of sections) {
      const v = await s(rt);
      extra[v.name] = v.value;
      degraded ||= v.degraded === true;
      reasons.push(...(v.reasons ?? []));
      if (v.degraded && !v.reasons?.some((r) => r.degraded)) {
        reasons.push({ message: `${v.name} is degraded`, link: "#/", degraded: true });
      }
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
      /** Why: every degraded state (and notes such as a refused apply), each with its page. */
      reasons,
      ...extra,
    });
  });
  return r;
}
