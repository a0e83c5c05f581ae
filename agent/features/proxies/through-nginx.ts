// One request through the local nginx with a chosen Host header (and SNI for
// HTTPS), the way a client of the proxy's domain reaches it. fetch cannot do
// this: it always sends the URL's host and resolves it.

export interface ThroughRequest {
  address: string;
  port: number;
  host: string;
  path: string;
  /** HTTPS with SNI = host, trusting these certificates (PEM). */
  caCerts?: string[];
  timeoutMs: number;
}

export interface ThroughAnswer {
  status: number | null;
  /** The first bytes of the body (enough to tell nginx's own error pages). */
  body: string;
  error?: string;
}

export async function requestThrough(r: ThroughRequest): Promise<ThroughAnswer> {
  let conn: Deno.Conn | null = null;
  const timer = setTimeout(() => conn?.close(), r.timeoutMs);
  try {
    conn = await Deno.connect({ hostname: r.address, port: r.port });
    if (r.caCerts) {
      conn = await Deno.startTls(conn as Deno.TcpConn, { hostname: r.host, caCerts: r.caCerts });
    }
    const head = `GET ${r.path} HTTP/1.1\r\nHost: ${r.host}\r\nConnection: close\r\n` +
      "User-Agent: switchyard-verify\r\n\r\n";
    await conn.write(new TextEncoder().encode(head));
    const chunks: Uint8Array[] = [];
    let size = 0;
    const buf = new Uint8Array(8192);
    while (size < 65536) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (e) {
        if (size) break; // a TLS peer that closes without close_notify
        throw e;
      }
      if (n === null) break;
      chunks.push(buf.slice(0, n));
      size += n;
    }
    const text = new TextDecoder().decode(concat(chunks));
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
    if (!m) return { status: null, body: "", error: "no HTTP answer from nginx" };
    const sep = text.indexOf("\r\n\r\n");
    return { status: Number(m[1]), body: sep < 0 ? "" : text.slice(sep + 4, sep + 4 + 1024) };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    return { status: null, body: "", error: msg || String(e) };
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* already closed */ }
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * nginx's own error page (it could not route to or reach the upstream), as
 * opposed to an answer the upstream gave: nginx signs its pages with
 * `<hr><center>nginx` and the upstream's answers are passed through as they are.
 */
export function nginxOwnPage(a: ThroughAnswer): boolean {
  return /<hr><center>nginx[^<]*<\/center>/.test(a.body);
}

/** Why an answer through nginx shows the upstream was not reached; null when it was. */
export function notReached(a: ThroughAnswer): string | null {
  if (a.status === null) return `no answer from nginx (${a.error ?? "connection failed"})`;
  if ([404, 502, 503, 504].includes(a.status) && nginxOwnPage(a)) {
    const why: Record<number, string> = {
      404: "nginx answered 404 itself: the request did not reach the proxy's server block",
      502: "nginx answered 502 itself: it could not connect to the upstream or got no valid answer",
      503: "nginx answered 503 itself: no upstream server was available",
      504: "nginx answered 504 itself: the upstream did not answer in time",
    };
    return why[a.status];
  }
  return null;
}
