// Real backends for tests: HTTP servers on loopback that say who they are, and
// a WebSocket echo server.

export interface Backend {
  port: number;
  address: string;
  /** Requests seen, newest last. */
  seen: { path: string; headers: Headers }[];
  close(): Promise<void>;
}

/** An HTTP backend answering `<name> <path>` (and 200 "ok" on /health). */
export function httpBackend(name: string, opts: { port?: number } = {}): Backend {
  const seen: Backend["seen"] = [];
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: opts.port ?? 0, signal: ac.signal, onListen: () => {} },
    (req) => {
      const url = new URL(req.url);
      seen.push({ path: url.pathname + url.search, headers: req.headers });
      if (url.pathname.endsWith("/health")) return new Response("ok");
      return new Response(`${name} ${url.pathname}${url.search}`);
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    seen,
    async close() {
      ac.abort();
      await server.finished;
    },
  };
}

/** A WebSocket echo server; plain HTTP requests get `ws-echo`. */
export function wsEchoBackend(): Backend {
  const seen: Backend["seen"] = [];
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    (req) => {
      const url = new URL(req.url);
      seen.push({ path: url.pathname, headers: req.headers });
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("ws-echo");
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onmessage = (e) => socket.send(`echo:${e.data}`);
      return response;
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    seen,
    async close() {
      ac.abort();
      await server.finished;
    },
  };
}

/** Sends one message through a WebSocket URL and returns the first reply. */
export async function wsRoundTrip(
  url: string,
  message: string,
  headers: Record<string, string> = {},
  timeoutMs = 5000,
): Promise<string> {
  // Deno's WebSocket client cannot set a Host header, so the site under test must
  // match by port (default_server) or the caller passes a URL whose host matches.
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  try {
    return await new Promise<string>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no WebSocket reply within ${timeoutMs} ms`)),
        timeoutMs,
      );
      ws.onopen = () => ws.send(message);
      ws.onmessage = (e) => {
        clearTimeout(t);
        resolve(String(e.data));
      };
      ws.onerror = (e) => {
        clearTimeout(t);
        reject(new Error(`WebSocket error: ${(e as ErrorEvent).message ?? e.type}`));
      };
    });
  } finally {
    ws.close();
  }
}
