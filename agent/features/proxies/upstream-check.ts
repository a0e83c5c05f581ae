// require_healthy: the upstream's health path must answer 2xx before anything
// about the proxy is written. One GET, no redirects followed, bounded in time.
import { AgentError } from "../../errors.ts";
import { healthUrl, type ProxySpec } from "./model.ts";
import { probe } from "../projects/health.ts";

export interface UpstreamCheck {
  url: string;
  ok: boolean;
  status: number | null;
  error?: string;
  ms: number;
}

export async function checkUpstream(
  p: Pick<ProxySpec, "upstream_host" | "upstream_port" | "health_path">,
  timeoutSeconds: number,
): Promise<UpstreamCheck> {
  const r = await probe("internal", healthUrl(p), { timeoutMs: timeoutSeconds * 1000 });
  return {
    url: r.url,
    ok: r.ok,
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
    ms: r.ms,
  };
}

export function unhealthy(name: string, c: UpstreamCheck, timeoutSeconds: number): AgentError {
  const what = c.error === "no answer (timed out)"
    ? `no answer within ${timeoutSeconds}s`
    : c.status !== null
    ? `answered HTTP ${c.status}, not 2xx`
    : c.error;
  return new AgentError(
    "UPSTREAM_UNHEALTHY",
    `upstream of proxy "${name}" is not healthy: GET ${c.url}: ${what}; nothing was changed ` +
      `(set require_healthy to false to create the proxy anyway)`,
    { field: "upstream_host", proxy: name, url: c.url, status: c.status, error: c.error ?? null },
  );
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
