// What the probe job checks: pool members with a health_check, proxies' and
// projects' backends at their health path. Pure: records in, targets out.
import type { Rec } from "../../store/store.ts";
import type { HealthCheck, Member, PoolSpec } from "../../kinds/pool/schema.ts";
import { HealthCheckSchema } from "../../kinds/pool/schema.ts";

export interface ResolvedCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  expect: [number, number];
  rise: number;
  fall: number;
  host?: string;
}

export interface Target {
  /** Stable id: `<source>/<name>/<address>`. */
  id: string;
  source: "pool" | "project";
  /** The pool (or project) name. */
  name: string;
  address: string;
  /** Which probe runs (see probe.ts): "http", or "s3" for storage pools. */
  probe: string;
  check: ResolvedCheck;
  /** The operator's own `down: true`: probed, never ejected, never counted as serving. */
  operatorDown: boolean;
}

/** "5s", "500ms", "2m" -> milliseconds (nginx durations; a bare number is seconds). */
export function durationMs(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (!m) throw new Error(`not a duration: ${v}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? "s"]!;
  return n * unit;
}

export function resolveCheck(hc: HealthCheck): ResolvedCheck {
  return {
    path: hc.path,
    intervalMs: Math.max(100, durationMs(hc.interval)),
    timeoutMs: Math.max(50, durationMs(hc.timeout)),
    expect: hc.expect_status,
    rise: hc.rise,
    fall: hc.fall,
    ...(hc.host ? { host: hc.host } : {}),
  };
}

/** The default check at a given path (proxies, projects). */
export function defaultCheck(path: string): ResolvedCheck {
  return resolveCheck(HealthCheckSchema.parse({ path }));
}

type PoolRec = PoolSpec & Rec;

/** The check of a pool: its own block, else (owned: true) its proxy's health_path. */
export function checkOf(
  pool: PoolRec,
  records: Map<string, Rec>,
  owned: boolean,
): ResolvedCheck | null {
  if (pool.health_check) return pool.health_check.enabled ? resolveCheck(pool.health_check) : null;
  if (owned && pool.managed_by?.kind === "proxy") {
    const proxy = records.get(`proxy/${pool.managed_by.name}`);
    const path = proxy?.health_path;
    if (typeof path === "string") return defaultCheck(path);
  }
  return null;
}

/** nanio (S3) storage pools get the S3 probe (403 counts as alive). */
function probeOf(pool: Rec): string {
  return pool.type === "nanio" ? "s3" : "http";
}

export function targetsOf(records: Map<string, Rec>, owned: boolean): Target[] {
  const out: Target[] = [];
  for (const [id, rec] of records) {
    if (id.startsWith("pool/")) {
      const pool = rec as PoolRec;
      const check = checkOf(pool, records, owned);
      if (!check) continue;
      for (const m of (pool.members ?? []) as Member[]) {
        if (m.address.startsWith("unix:")) continue; // no TCP probe for a socket
        out.push({
          id: `pool/${pool.name}/${m.address}`,
          source: "pool",
          name: pool.name,
          address: m.address,
          probe: probeOf(pool),
          check,
          operatorDown: m.down === true,
        });
      }
    } else if (owned && id.startsWith("project/") && rec.status === "active") {
      const address = `127.0.0.1:${rec.port}`;
      out.push({
        id: `project/${rec.name}/${address}`,
        source: "project",
        name: rec.name,
        address,
        probe: "http",
        check: defaultCheck(String(rec.health_path ?? "/health")),
        operatorDown: false,
      });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}
