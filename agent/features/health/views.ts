// What the API, /api/health and /metrics say about members (pure reads of the monitor).
import { HEALTH, type MemberHealth, type Monitor } from "./monitor.ts";
import { ejectedIds, healthOf, healthRecords, poolDecisions } from "./pass.ts";
import { targetsOf } from "./targets.ts";
import type { HealthRuntime } from "./settings.ts";
import type { HealthReason, HealthValue } from "../../host.ts";

export interface MemberView {
  pool: string;
  source: "pool" | "project";
  address: string;
  status: MemberHealth;
  operator_down: boolean;
  probe: string;
  path: string;
  last_check_at: string | null;
  last_status: number | null;
  last_error: string | null;
  latency_ms: number | null;
  checks: number;
  transitions: number;
  last_transition_at: string | null;
  /** Why a failing member is still in (the last member, observe mode). */
  not_ejected?: string;
}

export async function memberViews(rt: HealthRuntime): Promise<MemberView[]> {
  const mon = rt.use(HEALTH);
  const records = await healthRecords(rt);
  const ejected = ejectedIds(records);
  // In step with the state even before the first pass (a fresh start says what it holds).
  mon.sync(targetsOf(records, rt.settings.health_owned_checks), ejected);
  const decisions = poolDecisions(mon, records, rt.settings.health_ejection, "");
  return [...mon.members.values()].map((m) => {
    const why = decisions.get(m.target.name)?.kept.find((k) => k.address === m.target.address)
      ?.why;
    return {
      pool: m.target.name,
      source: m.target.source,
      address: m.target.address,
      status: healthOf(m, ejected),
      operator_down: m.target.operatorDown,
      probe: m.target.probe,
      path: m.target.check.path,
      last_check_at: m.lastCheckAt,
      last_status: m.lastStatus,
      last_error: m.lastError,
      latency_ms: m.latencyMs,
      checks: m.checks,
      transitions: m.transitions,
      last_transition_at: m.lastTransitionAt,
      ...(why && m.target.source === "pool" ? { not_ejected: why } : {}),
    };
  });
}

export function summary(views: MemberView[], mon: Monitor, mode: string) {
  const count = (s: MemberHealth) => views.filter((v) => v.status === s).length;
  return {
    mode,
    members: views.length,
    healthy: count("healthy"),
    unhealthy: count("unhealthy"),
    ejected: count("ejected"),
    unknown: count("unknown"),
    last_pass: mon.lastPass,
  };
}

const link = (v: MemberView) =>
  v.source === "project" ? `#/projects/edit/${v.pool}` : `#/pools/health/${v.pool}`;

/** Every ejected or failing member, said in words, with the page that fixes it. */
export function reasons(views: MemberView[]): HealthReason[] {
  const out: HealthReason[] = [];
  for (const v of views) {
    if (v.operator_down) continue; // the operator took it out: not a fault to report
    const what = v.source === "project" ? `project ${v.pool}` : `pool ${v.pool}`;
    const err = v.last_error ?? "failed its checks";
    if (v.status === "ejected") {
      out.push({
        message: `${what}: member ${v.address} is ejected (${err})`,
        link: link(v),
        degraded: true,
      });
    } else if (v.status === "unhealthy") {
      out.push({
        message: `${what}: member ${v.address} fails its health checks (${err})${
          v.not_ejected ? ` but is not ejected: ${v.not_ejected}` : ""
        }`,
        link: link(v),
        degraded: true,
      });
    }
  }
  return out;
}

export async function healthSection(rt: HealthRuntime): Promise<HealthValue> {
  const views = await memberViews(rt);
  const why = reasons(views);
  return {
    name: "health_checks",
    value: summary(views, rt.use(HEALTH), rt.settings.health_ejection),
    degraded: why.length > 0,
    reasons: why,
  };
}
