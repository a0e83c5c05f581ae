// One pass of the "health-checks" job: targets from the state, due probes, then
// ejections. Ejection changes are written (one audited write per pool) and
// handed to the reconciler in one submit, so many ejections cost one reload.
import type { Rec, WriteOp } from "../../store/store.ts";
import { entityId } from "../../store/store.ts";
import { targetsOf } from "./targets.ts";
import { decide, type Decision, type MemberView } from "./decide.ts";
import { type Ejection, EJECTION_KIND } from "./ejection.ts";
import { HEALTH, type MemberHealth, type MemberState, type Monitor } from "./monitor.ts";
import type { HealthRuntime } from "./settings.ts";

/** Ejected member ids (`pool/<pool>/<address>`) from the ejection records. */
export function ejectedIds(records: Map<string, Rec>): Set<string> {
  const out = new Set<string>();
  for (const [id, r] of records) {
    if (!id.startsWith(`${EJECTION_KIND}/`)) continue;
    for (const m of (r as unknown as Ejection).members) out.add(`pool/${r.name}/${m.address}`);
  }
  return out;
}

/**
 * The records the health checks read: pools, proxies, projects, ejections (not the whole
 * state), from the store's list snapshots: a pass after no write lists nothing again
 * (listing 10,000 pools every second held the event loop for tens of milliseconds).
 */
export async function healthRecords(rt: HealthRuntime): Promise<Map<string, Rec>> {
  const out = new Map<string, Rec>();
  for (const kind of ["pool", "proxy", "project", EJECTION_KIND]) {
    if (!rt.kinds.has(kind)) continue;
    for (const r of await rt.lists.list(kind)) out.set(entityId(kind, r.name), r);
  }
  return out;
}

export function healthOf(m: MemberState, ejected: Set<string>): MemberHealth {
  if (ejected.has(m.target.id)) return "ejected";
  return m.failing === null ? "unknown" : m.failing ? "unhealthy" : "healthy";
}

/** How long a pass waits for its probes before deciding (a loopback probe takes ms). */
export const PASS_WAIT_MS = 250;

export async function runPass(rt: HealthRuntime): Promise<void> {
  const mon = rt.use(HEALTH);
  const started = performance.now();
  const records = await healthRecords(rt);
  mon.sync(targetsOf(records, rt.settings.health_owned_checks), ejectedIds(records));
  // Answers that take longer are recorded when they come and acted on at the next pass.
  const { probed, stillRunning } = await mon.probeDue(PASS_WAIT_MS);
  await applyEjections(rt, mon, records);
  mon.lastPass = {
    at: new Date().toISOString(),
    duration_ms: Math.round(performance.now() - started),
    probed,
    still_running: stillRunning,
  };
}

/**
 * Each pool's decision on the monitor's state now: a pass acts on it, and the views say
 * from it why a failing member is kept in (a probe answering between passes is seen at once).
 */
export function poolDecisions(
  mon: Monitor,
  records: Map<string, Rec>,
  mode: "auto" | "observe",
  now: string,
): Map<string, Decision> {
  const byPool = new Map<string, MemberState[]>();
  for (const m of mon.members.values()) {
    if (m.target.source !== "pool") continue; // a project has one backend: nothing to fail over to
    byPool.set(m.target.name, [...(byPool.get(m.target.name) ?? []), m]);
  }
  const prefix = `${EJECTION_KIND}/`;
  const pools = new Set([
    ...byPool.keys(),
    ...[...records.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
  ]);
  const out = new Map<string, Decision>();
  for (const pool of pools) {
    const rec = records.get(entityId(EJECTION_KIND, pool)) as unknown as Ejection | undefined;
    const members: MemberView[] = (byPool.get(pool) ?? []).map((m) => ({
      address: m.target.address,
      failing: m.failing === true,
      operatorDown: m.target.operatorDown,
      lastError: m.lastError,
    }));
    out.set(pool, decide(members, rec?.members ?? [], mode, now));
  }
  return out;
}

async function applyEjections(rt: HealthRuntime, mon: Monitor, records: Map<string, Rec>) {
  const now = new Date().toISOString();
  const changed: string[] = [];
  for (const [pool, d] of poolDecisions(mon, records, rt.settings.health_ejection, now)) {
    if (!d.added.length && !d.removed.length) continue;
    const op: WriteOp = d.ejected.length
      ? { type: "put", kind: EJECTION_KIND, name: pool, spec: { members: d.ejected } }
      : { type: "delete", kind: EJECTION_KIND, name: pool };
    const words = [
      ...d.added.map((e) => `ejected ${e.address} (${e.reason})`),
      ...d.removed.map((a) => `restored ${a}`),
    ];
    const results = await rt.store.write(() => ({
      ops: [op],
      actor: "health",
      action: d.added.length ? "pool.eject" : "pool.restore",
      message: `pool ${pool}: ${words.join("; ")}`,
    }));
    mon.ejections.set(pool, (mon.ejections.get(pool) ?? 0) + d.added.length);
    if (results.some((r) => r.changed)) changed.push(entityId(EJECTION_KIND, pool));
    rt.log(`health: pool ${pool}: ${words.join("; ")}`);
  }
  if (changed.length) {
    // Not awaited: a slow reload must not hold up the next pass's probes.
    mon.lastApply = rt.reconciler.submit(changed).catch((e) => {
      rt.log(`health: applying ejections failed: ${e}`);
    });
  }
}
