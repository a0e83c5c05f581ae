// After nginx loaded a generation, every changed proxy with require_healthy is
// asked for its health path through nginx with Host: <domain> (HTTPS with SNI
// when its certificate is served). The upstream answered moments before, so
// when nginx cannot reach it the route is wrong (nginx resolves or connects
// differently, another server block answers for the domain, the upstream
// refuses what nginx forwards): the reconciler rolls the proxy back.
// Proxies with require_healthy false are not held on their upstream (they may
// be set up before the service starts), so they are not verified either.
import type { Verifier } from "../../nginx/reconciler.ts";
import { PROXY_KIND, type ProxySpec } from "./model.ts";
import type { ErrorCode } from "../../errors.ts";
import { notReached, requestThrough, type ThroughRequest } from "./through-nginx.ts";
import { mapLimit } from "./upstream-check.ts";
import type { ProxiesRuntime } from "./settings.ts";

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Loopback unless nginx listens on one address only. */
function nginxAddress(bind: string): string {
  if (!bind || bind === "0.0.0.0" || bind === "::" || bind === "[::]") return "127.0.0.1";
  return bind.replace(/^\[|\]$/g, "");
}

/** Where and how to ask nginx for a proxy: HTTPS once its certificate is served. */
export async function verifyRequest(
  rt: ProxiesRuntime,
  p: ProxySpec,
  timeoutMs: number,
): Promise<ThroughRequest> {
  const s = rt.settings;
  const files = p.enable_ssl ? rt.renderContext().certFiles?.(p.name) ?? null : null;
  const base = {
    address: nginxAddress(s.bind_address),
    host: p.domain,
    path: p.health_path,
    timeoutMs,
  };
  if (!files) return { ...base, port: s.http_port };
  // The certificate's own chain is the trust anchor: this checks nginx serves it for the domain.
  const pem = await Deno.readTextFile(files.certificate);
  return { ...base, port: s.https_port, caCerts: pem.match(PEM_RE) ?? [] };
}

export function proxiesVerifier(rt: ProxiesRuntime): Verifier {
  return {
    name: "proxies-through-nginx",
    async verify(changed, state) {
      const timeoutMs = Number(rt.settings.proxy_health_timeout ?? 5) * 1000;
      const proxies = changed
        .filter((id) => id.startsWith(`${PROXY_KIND}/`))
        .map((id) => ({ id, p: state.get(id) as unknown as ProxySpec | undefined }))
        .filter((x) => x.p?.require_healthy);
      const results = await mapLimit(proxies, 16, async ({ id, p }) => {
        const req = await verifyRequest(rt, p!, timeoutMs);
        const url = `${req.caCerts ? "https" : "http"}://${req.address}:${req.port}${req.path}`;
        // A worker that has just started may refuse the first connection: one retry.
        let a = await requestThrough(req);
        if (a.status === null) a = await requestThrough(req);
        const why = notReached(a);
        return why
          ? {
            id,
            code: "UPSTREAM_UNHEALTHY" as ErrorCode,
            message: `proxy "${p!.name}" does not reach its upstream through nginx ` +
              `(GET ${url} with Host: ${p!.domain}): ${why}; the change was rolled back`,
          }
          : { id, ok: true as const, message: `GET ${url} with Host: ${p!.domain}: ${a.status}` };
      });
      return results;
    },
  };
}
