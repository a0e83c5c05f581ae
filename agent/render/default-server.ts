// The agent's catch-all server per listening socket: a request whose Host (or
// SNI) names no site must not reach the first site nginx read on that port (its
// implicit default). Plain HTTP answers 404 (or 444: close without a response,
// setting unknown_host_response); TLS refuses the handshake, so no site's
// certificate is shown for a name it does not serve. A site that names
// `default_server` on a socket keeps that socket.
import type { StateView } from "./files.ts";
import type { RenderContext } from "./context.ts";
import { effectiveListens } from "../model/listen.ts";
import type { SiteSpec } from "../kinds/site/schema.ts";
import { servedTlsFiles } from "../kinds/site/render.ts";

interface Socket {
  host: string;
  port: number;
  ssl: boolean;
  http2: boolean;
  taken: boolean;
}

function hostOf(address?: string): string {
  if (!address) return "";
  return address.includes(":") ? `[${address.replace(/^\[|\]$/g, "")}]:` : `${address}:`;
}

export function defaultServers(view: StateView, ctx: RenderContext): string {
  const sockets = new Map<string, Socket>();
  for (const rec of view.ofKind("site")) {
    const site = rec as unknown as SiteSpec & { name: string };
    // Only sockets some site really listens on (a site waiting for its certificate has none).
    const tls = servedTlsFiles(site, ctx) !== null;
    for (const l of effectiveListens(site, ctx, tls)) {
      const host = hostOf(l.address);
      const key = `${host}${l.port}`;
      const s = sockets.get(key) ?? { host, port: l.port, ssl: false, http2: false, taken: false };
      s.ssl ||= l.ssl;
      s.http2 ||= l.ssl && l.http2;
      s.taken ||= l.default_server;
      sockets.set(key, s);
    }
  }
  const status = ctx.unknown_host_response ?? "404";
  const out: string[] = [];
  for (const s of [...sockets.values()].sort((a, b) => a.port - b.port)) {
    if (s.taken) continue;
    const listen = [`${s.host}${s.port}`, "default_server"];
    if (s.ssl) listen.push("ssl");
    if (s.http2 && !ctx.features.http2Directive) listen.push("http2");
    out.push(
      "server {",
      `    listen ${listen.join(" ")};`,
      "    server_name _;",
      "    server_tokens off;",
      ...(s.ssl ? ["    ssl_reject_handshake on;"] : []),
      ...(s.http2 && ctx.features.http2Directive ? ["    http2 on;"] : []),
      `    return ${status};`,
      "}",
    );
  }
  if (!out.length) return "";
  return "\n# Unknown hosts: no site names them, so no site answers them.\n" + out.join("\n") +
    "\n";
}
