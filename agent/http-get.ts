// One GET through node:http(s), for the checks fetch() cannot make: fetch
// refuses the WHATWG "bad ports" (6000 is X11's, 6665-6669 IRC's, 10080
// Amanda's...) and cannot skip certificate verification. A backend may well
// listen on 6000; without this its health probe would fail ("Requests to port
// 6000 are blocked") and the monitor would eject a healthy backend.
import http from "node:http";
import https from "node:https";

/** fetch's bad ports (the WHATWG fetch standard's list, as Deno applies it). */
export const FETCH_BLOCKED = new Set(
  (
    "1 7 9 11 13 15 17 19 20 21 22 23 25 37 42 43 53 69 77 79 87 95 101 102 103 104 109 110 " +
    "111 113 115 117 119 123 135 137 139 143 161 179 389 427 465 512 513 514 515 526 530 531 " +
    "532 540 548 554 556 563 587 601 636 989 990 993 995 1719 1720 1723 2049 3659 4045 4190 " +
    "5060 5061 6000 6566 6665 6666 6667 6668 6669 6679 6697 10080"
  ).split(" ").map(Number),
);

/** True when fetch() would refuse this URL's port. */
export function fetchRefusesPort(url: string): boolean {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  return FETCH_BLOCKED.has(port);
}

export interface GetOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
  /** fetch's client (extra CA certificates: `clientTrusting`); node:https gets the same CA. */
  client?: Deno.HttpClient;
  /** https without verifying the certificate (only node:https can). */
  insecure?: boolean;
}

/** The CA certificates of the clients `clientTrusting` made, for the node:https path. */
const CAS = new WeakMap<Deno.HttpClient, string[]>();

/** An HTTP client trusting extra CA certificates (PEM), on either transport of `httpGet`. */
export function clientTrusting(pems: string[]): Deno.HttpClient {
  const client = Deno.createHttpClient({ caCerts: pems });
  CAS.set(client, pems);
  return client;
}

/**
 * One GET, redirects not followed: the status and the first 4 KiB of text. Sent
 * by fetch, or by node:http(s) when fetch would refuse the port or `insecure` asks
 * for https without verification. A timeout rejects with an error named
 * "TimeoutError" either way, so callers describe both the same.
 */
export async function httpGet(
  url: string,
  o: GetOptions,
): Promise<{ status: number; text: string }> {
  if (fetchRefusesPort(url) || (o.insecure && url.startsWith("https:"))) {
    return await nodeGet(url, o);
  }
  const r = await fetch(url, {
    redirect: "manual",
    signal: AbortSignal.timeout(o.timeoutMs),
    ...(o.headers ? { headers: o.headers } : {}),
    ...(o.client ? { client: o.client } : {}),
  } as RequestInit);
  let text = "";
  const reader = r.body?.getReader();
  const dec = new TextDecoder();
  try {
    while (reader && text.length < 4096) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
    }
  } catch { /* a body cut short: what came is the answer */ }
  await reader?.cancel().catch(() => {});
  return { status: r.status, text: text.slice(0, 4096) };
}

/** `httpGet` over node:http(s): no connection kept, `timeoutMs` a deadline for the whole answer. */
function nodeGet(url: string, o: GetOptions): Promise<{ status: number; text: string }> {
  const lib = url.startsWith("https:") ? https : http;
  const ca = o.client ? CAS.get(o.client) : undefined;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      agent: false,
      headers: { connection: "close", ...o.headers },
      ...(o.insecure ? { rejectUnauthorized: false } : {}),
      ...(ca ? { ca } : {}),
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text = text.length < 4096 ? text + c : text));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, 4096) }));
      res.on("error", reject);
    });
    // A deadline, as AbortSignal.timeout is (node's `timeout` only measures silence).
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error("timeout"), { name: "TimeoutError" })),
      o.timeoutMs,
    );
    req.on("close", () => clearTimeout(timer));
    req.on("error", reject);
    req.end();
  });
}
