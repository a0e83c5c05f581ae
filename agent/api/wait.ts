// `?wait=applied&timeout=10s` on any write (PUT, POST, PATCH, DELETE under
// /api). Every write already answers once this node's nginx applied it; in a
// fleet (store = "etcd") the answer also waits until every registered node
// reports that generation, and says who did not within the timeout (the
// write stands: its status code is the write's, `fleet.applied` is false).
import type { MiddlewareHandler } from "hono";
import { invalid } from "../errors.ts";
import type { ServiceKey } from "../runtime.ts";

// (built here, not with serviceKey(): runtime.ts imports the API, a cycle)
const serviceKey = <T>(id: string): ServiceKey<T> => ({ id });

export interface FleetWaitResult {
  applied: boolean;
  /** The generation waited for: the mirror's once the write was answered. */
  generation: number;
  waiting_for: { node: string; why: string }[];
  /** etcd could not be asked (the write stands). */
  error?: string;
}

/** Waits for the fleet (the fleet feature); null when the store is not shared. */
export type FleetWait = (timeoutMs: number, signal?: AbortSignal) => Promise<
  FleetWaitResult | null
>;
export const FLEET_WAIT = serviceKey<FleetWait>("fleet-wait");

export const WAIT_DEFAULT_MS = 10_000;
export const WAIT_MAX_MS = 300_000;

/** `timeout`: "10s", "500ms", "1m" or seconds; at most 5 minutes. */
export function waitTimeoutMs(v: string | undefined): number {
  if (v === undefined || v === "") return WAIT_DEFAULT_MS;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] ?? "s"]! : NaN;
  if (!(ms > 0) || ms > WAIT_MAX_MS) {
    throw invalid("timeout", `expected a duration up to 5m such as "10s" or "500ms", got ${v}`);
  }
  return Math.round(ms);
}

const WRITES = new Set(["PUT", "POST", "PATCH", "DELETE"]);

export function waitMiddleware(wait?: FleetWait): MiddlewareHandler {
  return async (c, next) => {
    const w = c.req.query("wait");
    if (w === undefined || !WRITES.has(c.req.method)) return await next();
    if (w !== "applied") throw invalid("wait", `the one value is "applied", got ${w}`);
    const timeoutMs = waitTimeoutMs(c.req.query("timeout"));
    await next();
    const res = c.res;
    if (!wait || res.status >= 300 || !res.headers.get("content-type")?.includes("json")) return;
    const body = await res.clone().json().catch(() => null);
    if (!body || typeof body !== "object" || Array.isArray(body)) return;
    const fleet = await wait(timeoutMs, c.req.raw.signal);
    if (!fleet) return; // kv: the answer already waited for the local apply
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    c.res = undefined; // (Hono: replace, not merge, the answer)
    c.res = new Response(JSON.stringify({ ...body, fleet }), { status: res.status, headers });
  };
}
