// GET /metrics: the agent in the Prometheus text format. Counters count since
// the agent started (Prometheus handles resets). Auth: the API key, or
// `Authorization: Bearer <metrics_token>` when that setting is set.
import { Hono } from "hono";
import { serviceKey } from "../../runtime.ts";
import { AgentError } from "../../errors.ts";
import { presentedKey, timingSafeEqual } from "../../api/auth.ts";
import type { ApplyOutcome } from "../../nginx/reconciler.ts";
import type { RequestInfo } from "../../host.ts";
import type { Rec } from "../../store/store.ts";
import { VERSION } from "../../version.ts";
import { TOKEN_AUTH } from "../../api/principal.ts";
import { tenantFamilies } from "./tenant-metrics.ts";
import { Counter, type Family, formatFamilies, Histogram, type Sample } from "./text-format.ts";
import { HEALTH } from "./monitor.ts";
import { memberViews } from "./views.ts";
import { readStubStatus } from "./stub-status.ts";
import type { HealthRuntime } from "./settings.ts";
import { RESILIENCE } from "../resilience/state.ts";
import { viewOf } from "../certs/issue.ts";
import type { CertsRuntime } from "../certs/settings.ts";

export const APPLY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What the agent counts as it runs (reconciler observer, request observer). */
export class MetricsState {
  readonly applies = new Counter();
  readonly applyDuration = new Histogram(APPLY_BUCKETS);
  readonly refusals = new Counter();
  testFailures = 0;
  reloadFailures = 0;
  readonly requests = new Counter();
  readonly requestDuration = new Histogram([0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);

  onApply(o: ApplyOutcome): void {
    this.applies.inc({ outcome: o.status });
    this.applyDuration.observe({}, o.duration_ms / 1000);
    for (const r of o.refused) this.refusals.inc({ code: r.code });
    const codes = [o.error?.code, ...o.refused.map((r) => r.code)];
    if (codes.includes("NGINX_TEST_FAILED")) this.testFailures++;
    if (codes.includes("NGINX_RELOAD_FAILED")) this.reloadFailures++;
  }

  onRequest(i: RequestInfo): void {
    this.requests.inc({ method: i.method, route: i.route, status: String(i.status) });
    this.requestDuration.observe({ method: i.method, route: i.route }, i.seconds);
  }
}

export const METRICS = serviceKey<MetricsState>("health-metrics");

const one = (v: number): Sample[] => [[{}, v]];
const STATUSES = ["healthy", "unhealthy", "ejected", "unknown"] as const;

async function certExpiries(rt: HealthRuntime): Promise<Sample[]> {
  if (!rt.kinds.has("cert")) return [];
  const out: Sample[] = [];
  for (const r of await rt.store.list("cert")) {
    const v = await viewOf(rt as unknown as CertsRuntime, r as Rec);
    if (v.not_after) out.push([{ cert: v.name }, Math.round(Date.parse(v.not_after) / 1000)]);
  }
  return out;
}

export async function collect(rt: HealthRuntime): Promise<Family[]> {
  const m = rt.use(METRICS);
  const mon = rt.use(HEALTH);
  const members = await memberViews(rt);
  const jobs = rt.scheduler.status();
  const drift = rt.tryUse(RESILIENCE)?.drift ?? null;
  const ejectedBy = new Map<string, number>();
  for (const v of members) {
    if (v.status === "ejected") ejectedBy.set(v.pool, (ejectedBy.get(v.pool) ?? 0) + 1);
  }
  const families: Family[] = [
    {
      name: "switchyard_build_info",
      type: "gauge",
      help: "The agent's version",
      samples: [[{ version: VERSION }, 1]],
    },
    {
      name: "switchyard_applies_total",
      type: "counter",
      help: "Apply rounds by outcome (applied, unchanged, pending, failed, dry_run)",
      samples: m.applies.samples(),
    },
    {
      name: "switchyard_apply_duration_seconds",
      type: "histogram",
      help: "Duration of apply rounds (render, nginx -t, swap, reload, verify)",
      samples: m.applyDuration.samples(),
    },
    {
      name: "switchyard_apply_refusals_total",
      type: "counter",
      help: "Entities refused and reverted by an apply, by error code",
      samples: m.refusals.samples(),
    },
    {
      name: "switchyard_nginx_reloads_total",
      type: "counter",
      help: "nginx reloads that loaded (new workers, no [emerg])",
      samples: one(rt.reconciler.reloads),
    },
    {
      name: "switchyard_nginx_reload_failures_total",
      type: "counter",
      help: "Apply rounds whose reload failed",
      samples: one(m.reloadFailures),
    },
    {
      name: "switchyard_nginx_test_failures_total",
      type: "counter",
      help: "Apply rounds in which nginx -t refused the configuration",
      samples: one(m.testFailures),
    },
    {
      name: "switchyard_generation",
      type: "gauge",
      help: "The generation nginx serves (-1: none yet)",
      samples: one(rt.reconciler.currentGeneration ?? -1),
    },
    {
      name: "switchyard_drifted_files",
      type: "gauge",
      help: "Managed files changed, deleted or added by hand at the last drift check",
      samples: one(drift?.files.length ?? 0),
    },
    {
      name: "switchyard_member_health",
      type: "gauge",
      help:
        "1 for the member's current health status (a state set over healthy, unhealthy, ejected, unknown)",
      samples: members.flatMap((v) =>
        STATUSES.map((
          s,
        ): Sample => [
          { pool: v.pool, member: v.address, source: v.source, status: s },
          v.status === s ? 1 : 0,
        ])
      ),
    },
    {
      name: "switchyard_member_check_latency_seconds",
      type: "gauge",
      help: "Latency of the member's last health check",
      samples: members.filter((v) => v.latency_ms !== null).map((
        v,
      ): Sample => [{ pool: v.pool, member: v.address, source: v.source }, v.latency_ms! / 1000]),
    },
    {
      name: "switchyard_members_ejected",
      type: "gauge",
      help: "Members the health checks hold down, by pool",
      samples: [...ejectedBy].map(([pool, n]): Sample => [{ pool }, n]),
    },
    {
      name: "switchyard_ejections_total",
      type: "counter",
      help: "Ejections since the agent started, by pool",
      samples: [...mon.ejections].map(([pool, n]): Sample => [{ pool }, n]),
    },
    {
      name: "switchyard_health_checks_total",
      type: "counter",
      help: "Health check probes by result",
      samples: [[{ result: "ok" }, mon.checks.ok], [{ result: "failed" }, mon.checks.failed]],
    },
    {
      name: "switchyard_certificate_expiry_timestamp_seconds",
      type: "gauge",
      help: "Unix time when the managed certificate expires",
      samples: await certExpiries(rt),
    },
    {
      name: "switchyard_scheduler_job_last_duration_seconds",
      type: "gauge",
      help: "Duration of the job's last run",
      samples: jobs.filter((j) => j.last_duration_ms !== null).map((
        j,
      ): Sample => [{ job: j.name }, j.last_duration_ms! / 1000]),
    },
    {
      name: "switchyard_scheduler_job_runs_total",
      type: "counter",
      help: "Runs of the job",
      samples: jobs.map((j): Sample => [{ job: j.name }, j.runs]),
    },
    {
      name: "switchyard_scheduler_job_failures_total",
      type: "counter",
      help: "Failed runs of the job",
      samples: jobs.map((j): Sample => [{ job: j.name }, j.failures]),
    },
    {
      name: "switchyard_http_requests_total",
      type: "counter",
      help: "API requests by method, route pattern and status",
      samples: m.requests.samples(),
    },
    {
      name: "switchyard_http_request_duration_seconds",
      type: "histogram",
      help: "API request durations by method and route pattern",
      samples: m.requestDuration.samples(),
    },
  ];
  const port = rt.settings.metrics_stub_status_port;
  if (port > 0) {
    const s = await readStubStatus(port);
    families.push({
      name: "switchyard_nginx_stub_status_up",
      type: "gauge",
      help: "1 when nginx's stub_status page answered",
      samples: one(s ? 1 : 0),
    });
    if (s) {
      families.push(
        {
          name: "switchyard_nginx_connections_active",
          type: "gauge",
          help: "Active client connections (stub_status)",
          samples: one(s.active),
        },
        {
          name: "switchyard_nginx_connections",
          type: "gauge",
          help: "Client connections by state (stub_status)",
          samples: [[{ state: "reading" }, s.reading], [{ state: "writing" }, s.writing], [{
            state: "waiting",
          }, s.waiting]],
        },
        {
          name: "switchyard_nginx_connections_accepted_total",
          type: "counter",
          help: "Accepted client connections (stub_status)",
          samples: one(s.accepts),
        },
        {
          name: "switchyard_nginx_connections_handled_total",
          type: "counter",
          help: "Handled client connections (stub_status)",
          samples: one(s.handled),
        },
        {
          name: "switchyard_nginx_requests_total",
          type: "counter",
          help: "Client requests (stub_status)",
          samples: one(s.requests),
        },
      );
    }
  }
  return families;
}

export function metricsRouter(rt: HealthRuntime): Hono {
  const r = new Hono();
  r.get("/", async (c) => {
    const key = presentedKey((n) => c.req.header(n));
    const token = rt.settings.metrics_token;
    const ok = key !== null &&
      (timingSafeEqual(key, rt.apiKey) || (token !== "" && timingSafeEqual(key, token)));
    // an issued token: an admin reads everything, a tenant its own pools and certificates
    const p = !ok && key !== null ? await rt.tryUse(TOKEN_AUTH)?.(key) : null;
    if (!ok && !p) {
      throw new AgentError(
        "UNAUTHORIZED",
        key === null
          ? "missing credentials: send Authorization: Bearer <metrics_token or API key>"
          : "invalid metrics token or API key",
      );
    }
    const all = await collect(rt);
    const families = p?.tenant ? tenantFamilies(all, p.tenant, await rt.store.all()) : all;
    return c.body(formatFamilies(families), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    });
  });
  return r;
}
