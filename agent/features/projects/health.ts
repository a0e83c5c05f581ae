// The two hops of a project: internal (the backend itself on 127.0.0.1:<port>)
// and external (through nginx, the way clients reach it).
import { clientTrusting, httpGet } from "../../http-get.ts";

export interface HopResult {
  hop: "internal" | "external";
  url: string;
  ok: boolean;
  status: number | null;
  /** Why it failed: a connection error, a timeout, or the HTTP status. */
  error?: string;
  /** The first bytes of the answer, to tell nginx's error page from the backend's. */
  body?: string;
  ms: number;
}

export interface ProbeOptions {
  timeoutMs?: number;
  client?: Deno.HttpClient;
  /**
   * https without verifying the certificate (projects_check_insecure, projrouter's
   * `curl -k`): Deno's fetch cannot skip verification, node:https can.
   */
  insecure?: boolean;
}

/** One GET; 2xx is healthy. Redirects are not followed (a redirect is not health). */
export async function probe(
  hop: HopResult["hop"],
  url: string,
  o: ProbeOptions = {},
): Promise<HopResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const r = await httpGet(url, {
      timeoutMs: o.timeoutMs ?? 3000,
      client: o.client,
      insecure: o.insecure,
    });
    const body = r.text.slice(0, 200).trim();
    if (r.status >= 200 && r.status < 300) {
      return { hop, url, ok: true, status: r.status, body, ms: ms() };
    }
    return { hop, url, ok: false, status: r.status, error: `HTTP ${r.status}`, body, ms: ms() };
  } catch (e) {
    return { hop, url, ok: false, status: null, error: describeFetchError(e), ms: ms() };
  }
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  if (err?.name === "TimeoutError") return "no answer (timed out)";
  // fetch says "fetch failed"; the reason is in the cause.
  const msg = [err?.message, err?.cause instanceof Error ? err.cause.message : ""].join(" ");
  if (/Connection refused|ECONNREFUSED/i.test(msg)) return "connection refused (nothing listens)";
  if (/certificate|UnknownIssuer|InvalidCertificate/i.test(msg)) {
    return `TLS certificate not trusted (${msg.trim().split("\n")[0]}); set projects_check_ca_file`;
  }
  if (/Connection reset|connection closed|IncompleteMessage|ECONNRESET|socket hang up/i.test(msg)) {
    return "the connection was closed without an answer";
  }
  return (err?.cause instanceof Error ? err.cause.message : String(err?.message ?? e)).split(
    "\n",
  )[0];
}

/**
 * Polls until the hop answers 2xx or the deadline passes. `gone` is asked
 * between tries: when the backend died for good there is no point in waiting.
 */
export async function waitHealthy(
  hop: HopResult["hop"],
  url: string,
  deadlineMs: number,
  o: ProbeOptions & { gone?: () => Promise<string | null> } = {},
): Promise<HopResult> {
  const end = performance.now() + deadlineMs;
  let delay = 50;
  let last: HopResult;
  while (true) {
    last = await probe(hop, url, {
      ...o,
      timeoutMs: Math.max(200, Math.min(o.timeoutMs ?? 3000, end - performance.now())),
    });
    if (last.ok) return last;
    if (performance.now() >= end) break;
    const why = await o.gone?.();
    if (why) {
      last.error = `${last.error}; ${why}`;
      return last;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(delay, end - performance.now()))));
    delay = Math.min(delay * 2, 500);
  }
  last.error = `${last.error} (gave up after ${Math.round(deadlineMs / 1000)} s)`;
  return last;
}

/** An HTTP client trusting extra CA certificates (projects_check_ca_file), or none. */
export async function checkClient(caFile: string): Promise<Deno.HttpClient | undefined> {
  if (!caFile) return undefined;
  return clientTrusting([await Deno.readTextFile(caFile)]);
}
