// Proxies (proxy-manager): one domain in front of one upstream host:port. Under
// the hood a proxy is a site plus a one-member pool, both named like the proxy
// and owned by it (managed_by), so the sites and pools views show what nginx runs.
import { z } from "zod";
import { isIP } from "node:net";
import { entityName, isHostname, port, serverName, uriPath } from "../../model/grammar.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";
import { expiryFields, resolveExpiry } from "../../model/expiry.ts";
import { type PoolSpec, PoolSpecSchema } from "../../kinds/pool/schema.ts";
import { checkSite, type SiteSpec, SiteSpecSchema } from "../../kinds/site/schema.ts";

export const PROXY_KIND = "proxy";

/** An IP address or a host name; IPv6 without brackets. */
export const upstreamHost = (v: string): string | null => {
  if (isIP(v)) return null;
  if (isHostname(v.toLowerCase()) && v === v.toLowerCase()) return null;
  return "must be an IP address or a lower-case host name";
};

const EMAIL_RE = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;

export const ProxySpecSchema = z.strictObject({
  name: grammar(entityName, 127).optional(),
  description: z.string().max(1024).default(""),
  domain: grammar(serverName, 253),
  upstream_host: grammar(upstreamHost, 253),
  upstream_port: z.number().int().superRefine((n, ctx) => {
    const why = port(n);
    if (why) ctx.addIssue({ code: "custom", message: why });
  }),
  /** Before anything is written, GET upstream health_path must answer 2xx. */
  require_healthy: z.boolean().default(true),
  /** Issue a certificate (ACME) named like the proxy and serve HTTPS with it. */
  enable_ssl: z.boolean().default(false),
  health_path: grammar(uriPath, 1024).default("/health"),
  email: z.string().max(320).regex(EMAIL_RE, "must be an e-mail address").optional(),
  // Read-only fields of GET and PUT answers, accepted back and ignored.
  status: z.unknown().optional(),
  ssl_enabled: z.unknown().optional(),
  site: z.unknown().optional(),
  pool: z.unknown().optional(),
  url: z.unknown().optional(),
  apply: z.unknown().optional(),
  certificate: z.unknown().optional(),
  ...expiryFields,
  ...recordMeta,
});

export type ProxySpec = {
  name: string;
  description: string;
  domain: string;
  upstream_host: string;
  upstream_port: number;
  require_healthy: boolean;
  enable_ssl: boolean;
  health_path: string;
  email?: string;
  /** When the proxy (with its site and pool) is removed. */
  expires_at?: string;
};

const READ_ONLY = [
  "version",
  "created_at",
  "updated_at",
  "managed_by",
  "status",
  "ssl_enabled",
  "site",
  "pool",
  "url",
  "apply",
  "certificate",
] as const;

export function parseProxy(name: string, body: unknown): ProxySpec {
  const why = entityName(name);
  if (why) throw invalid("name", why);
  const p = parseWith(ProxySpecSchema, body) as Record<string, unknown>;
  if (p.name !== undefined && p.name !== name) {
    throw invalid("name", `body name "${p.name}" does not match the URL name "${name}"`);
  }
  for (const k of READ_ONLY) delete p[k];
  return checkProxy({ ...resolveExpiry(p as unknown as ProxySpec), name });
}

/** Rules across fields. */
export function checkProxy(p: ProxySpec): ProxySpec {
  if (p.domain === "_" || p.domain.startsWith(".")) {
    throw invalid("domain", "must be one host name (not '_' or '.suffix')");
  }
  if (p.enable_ssl && (p.domain.startsWith("*.") || isIP(p.domain.replace(/^\[|\]$/g, "")))) {
    throw invalid(
      "enable_ssl",
      `a certificate from the HTTP-01 challenge needs a plain host name, not ${p.domain}`,
    );
  }
  return p;
}

/** host:port as nginx and URLs want it (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

export function healthUrl(p: Pick<ProxySpec, "upstream_host" | "upstream_port" | "health_path">) {
  return `http://${hostPort(p.upstream_host, p.upstream_port)}${p.health_path}`;
}

export function proxyOwner(name: string) {
  return { kind: PROXY_KIND, name };
}

/** The pool behind a proxy: its one upstream. */
export function proxyPool(p: ProxySpec): PoolSpec & { name: string } {
  const pool = PoolSpecSchema.parse({
    description: `proxy ${p.name}`,
    members: [{ address: hostPort(p.upstream_host, p.upstream_port) }],
  });
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, ...spec } = pool;
  return { ...spec, name: p.name } as PoolSpec & { name: string };
}

/**
 * The site of a proxy: the domain on the HTTP port, and with enable_ssl the
 * managed certificate named like the proxy. Until that certificate exists the
 * site serves plain HTTP (kinds/site/render.ts); once it does, HTTP redirects to HTTPS
 * except the ACME challenge path.
 */
export function proxySite(p: ProxySpec): SiteSpec & { name: string } {
  const site = SiteSpecSchema.parse({
    description: `proxy ${p.name}`,
    server_names: [p.domain],
    default_pool: p.name,
    ...(p.enable_ssl ? { tls: { cert: p.name }, redirect_http: true } : {}),
  });
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, name: _n, ...spec } = site;
  return checkSite({ ...spec, name: p.name } as SiteSpec & { name: string });
}
