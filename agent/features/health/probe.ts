// One check of one member. Probes are chosen per pool type: "http" (GET the
// health path, the status must be in expect_status) and "s3" (an unsigned GET
// of the service root: any answer below 500 means alive, an S3 server says 403
// to anonymous requests). A storage feature can add its own to PROBES.
import type { Target } from "./targets.ts";
import { httpGet } from "../../http-get.ts";

export interface ProbeResult {
  ok: boolean;
  status: number | null;
  error?: string;
  ms: number;
}

export type Probe = (t: Target, client: Deno.HttpClient) => Promise<ProbeResult>;

function url(t: Target, path: string): string {
  return `http://${t.address}${path}`;
}

async function get(
  t: Target,
  path: string,
  client: Deno.HttpClient,
  ok: (status: number) => boolean,
): Promise<ProbeResult> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  const headers = { ...(t.check.host ? { host: t.check.host } : {}), connection: "close" };
  try {
    const { status } = await httpGet(url(t, path), {
      timeoutMs: t.check.timeoutMs,
      headers,
      client,
    });
    if (ok(status)) return { ok: true, status, ms: ms() };
    return { ok: false, status, error: `HTTP ${status}`, ms: ms() };
  } catch (e) {
    return { ok: false, status: null, error: describe(e, t.check.timeoutMs), ms: ms() };
  }
}

export function describe(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: unknown };
  if (err?.name === "TimeoutError") return `no answer within ${timeoutMs} ms (timed out)`;
  const msg = [err?.message, err?.cause instanceof Error ? err.cause.message : ""].join(" ");
  if (/Connection refused|ECONNREFUSED/i.test(msg)) return "connection refused";
  if (/Connection reset|connection closed|IncompleteMessage|ECONNRESET|socket hang up/i.test(msg)) {
    return "connection closed without an answer";
  }
  return (err?.message ?? String(e)).split("\n")[0];
}

export const httpProbe: Probe = (t, client) =>
  get(t, t.check.path, client, (s) => s >= t.check.expect[0] && s <= t.check.expect[1]);

export const s3Probe: Probe = (t, client) => get(t, "/", client, (s) => s < 500);

export const PROBES: Record<string, Probe> = { http: httpProbe, s3: s3Probe };
