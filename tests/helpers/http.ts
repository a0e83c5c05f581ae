// A raw HTTP/1.1 client for requests through nginx with any Host header (and
// SNI for TLS): Deno's fetch always sends the URL's host.

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RawRequest {
  port: number;
  host: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  address?: string;
  /** TLS with SNI = host (or serverName), trusting these CA certificates (PEM). */
  tls?: { caCerts?: string[]; serverName?: string };
  timeoutMs?: number;
}

export async function rawRequest(r: RawRequest): Promise<RawResponse> {
  const address = r.address ?? "127.0.0.1";
  // TCP to `address`, then TLS with SNI = the host name (which need not resolve).
  const tcp = await Deno.connect({ hostname: address, port: r.port });
  const conn: Deno.Conn = r.tls
    ? await Deno.startTls(tcp, {
      hostname: r.tls.serverName ?? r.host.replace(/:\d+$/, ""),
      caCerts: r.tls.caCerts,
    }).catch((e) => {
      tcp.close();
      throw e;
    })
    : tcp;
  const timer = setTimeout(() => conn.close(), r.timeoutMs ?? 10_000);
  try {
    const body = r.body ?? "";
    const head = [
      `${r.method ?? "GET"} ${r.path ?? "/"} HTTP/1.1`,
      `Host: ${r.host}`,
      "Connection: close",
      ...(body ? [`Content-Length: ${new TextEncoder().encode(body).length}`] : []),
      ...Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      "",
      "",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(head + body));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(16384);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (e) {
        if (chunks.length) break; // TLS close_notify missing: keep what arrived
        throw e;
      }
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    return parse(concat(chunks));
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed */ }
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

function parse(bytes: Uint8Array): RawResponse {
  const text = new TextDecoder().decode(bytes);
  const sep = text.indexOf("\r\n\r\n");
  if (sep < 0) throw new Error(`incomplete HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, sep).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const l of lines) {
    const i = l.indexOf(":");
    headers.append(l.slice(0, i).trim(), l.slice(i + 1).trim());
  }
  let body = text.slice(sep + 4);
  if (headers.get("transfer-encoding")?.includes("chunked")) body = unchunk(body);
  return { status, headers, text: body };
}

function unchunk(s: string): string {
  let out = "";
  let i = 0;
  while (i < s.length) {
    const eol = s.indexOf("\r\n", i);
    const size = parseInt(s.slice(i, eol), 16);
    if (!size) break;
    out += s.slice(eol + 2, eol + 2 + size);
    i = eol + 2 + size + 2;
  }
  return out;
}
