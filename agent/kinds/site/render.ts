// Site -> nginx server block(s). Builds the view the server template prints;
// every directive an expert would write by hand is decided here.
import { hstsDirectives, tlsDirectives } from "../../render/tls-profile.ts";
import type { IpRules, Route, SiteSpec } from "./schema.ts";
import { type EffectiveListen, effectiveListens } from "../../model/listen.ts";
import { q, rawLines } from "../../render/quote.ts";
import type { RenderContext } from "../../render/context.ts";
import { upstreamName } from "../pool/render.ts";
import { upstreamFor } from "../../render/upstreams.ts";
import { bucketLocations, S3_SERVER_LINES, s3ProxyLines, type SiteStorage } from "./render-s3.ts";

export interface LocationView {
  comment?: string;
  match: string;
  directives: string[];
}

export interface BlockView {
  listen: string[];
  server_name: string;
  directives: string[];
  locations: LocationView[];
  end: string[];
}

export interface SiteView {
  name: string;
  blocks: BlockView[];
  /** Printed as a comment under the header (why a site has no server block). */
  note?: string;
}

export type SiteInput = SiteSpec & { name: string };

function listenLine(l: EffectiveListen, ctx: RenderContext): string {
  const host = l.address
    ? (l.address.includes(":") ? `[${l.address.replace(/^\[|\]$/g, "")}]:` : `${l.address}:`)
    : "";
  const parts = [`${host}${l.port}`];
  if (l.default_server) parts.push("default_server");
  if (l.ssl) parts.push("ssl");
  if (l.ssl && l.http2 && !ctx.features.http2Directive) parts.push("http2");
  return parts.join(" ");
}

export function ipRuleLines(rules: IpRules | undefined): string[] {
  if (!rules) return [];
  const lines = rules.addresses.map((a) => `${rules.mode} ${a};`);
  if (rules.mode === "allow") lines.push("deny all;");
  return lines;
}

export function acmeLocation(ctx: RenderContext): LocationView {
  return {
    comment: "ACME HTTP-01 challenges (certbot --webroot) for every managed site",
    match: "^~ /.well-known/acme-challenge/",
    directives: [
      "allow all;",
      `root ${ctx.acme_webroot};`,
      "default_type text/plain;",
      "try_files $uri =404;",
    ],
  };
}

function locationMatch(r: Route): string {
  if (r.match === "exact") return `= ${r.path}`;
  if (r.match === "regex") return `~ ${r.path}`;
  return r.path;
}

function proxyLines(
  target: string,
  r: Pick<
    Route,
    | "websocket"
    | "preserve_host"
    | "connect_timeout"
    | "read_timeout"
    | "send_timeout"
    | "strip_prefix"
    | "path"
  >,
  https: boolean,
): string[] {
  const lines = [
    `proxy_pass ${target};`,
    "proxy_http_version 1.1;",
    `proxy_set_header Host ${r.preserve_host ? "$host" : "$proxy_host"};`,
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Forwarded-Host $host;",
    "proxy_set_header X-Forwarded-Port $server_port;",
  ];
  if (r.strip_prefix && r.path !== "/") {
    lines.push(`proxy_set_header X-Forwarded-Prefix ${q(r.path.replace(/\/$/, ""))};`);
  }
  if (r.websocket) {
    lines.push("proxy_set_header Upgrade $http_upgrade;");
    lines.push("proxy_set_header Connection $switchyard_connection_upgrade;");
  } else {
    lines.push('proxy_set_header Connection "";');
  }
  if (r.connect_timeout) lines.push(`proxy_connect_timeout ${r.connect_timeout};`);
  const read = r.read_timeout ?? (r.websocket ? "3600s" : undefined);
  if (read) lines.push(`proxy_read_timeout ${read};`);
  const send = r.send_timeout ?? (r.websocket ? "3600s" : undefined);
  if (send) lines.push(`proxy_send_timeout ${send};`);
  if (https) lines.push("proxy_ssl_server_name on;");
  return lines;
}

/** `upstream`: the name nginx knows a pool by (shared or its own, render/upstreams.ts). */
export function routeLocation(
  r: Route,
  upstream: (pool: string) => string = upstreamName,
): LocationView {
  const directives: string[] = [...ipRuleLines(r.ip_rules)];
  if (r.pool) {
    directives.push(
      ...proxyLines(`http://${upstream(r.pool)}${r.strip_prefix ? "/" : ""}`, r, false),
    );
  } else if (r.upstream) {
    let url = r.upstream;
    if (r.strip_prefix && !/^https?:\/\/[^/]+\//.test(url)) url += "/";
    directives.push(...proxyLines(url, r, url.startsWith("https:")));
  } else if (r.redirect) {
    directives.push(`return ${r.redirect.code} ${r.redirect.url};`);
  } else if (r.static) {
    const root = r.static.root.replace(/\/+$/, "");
    if (r.strip_prefix) directives.push(`alias ${root}/;`);
    else directives.push(`root ${root || "/"};`);
    directives.push(`index ${r.static.index.join(" ")};`);
    if (r.static.autoindex) directives.push("autoindex on;");
  }
  if (r.extra) directives.push(...rawLines(r.extra));
  return { comment: `route ${r.name}`, match: locationMatch(r), directives };
}

function extra(site: SiteInput, zone: "top" | "ssl" | "proxy" | "end"): string[] {
  return site.extra_blocks.filter((b) => b.zone === zone).flatMap((b) => rawLines(b.content));
}

/**
 * The profile's directives minus those the site's own top/ssl extra blocks set:
 * the operator's line wins, and nginx refuses a directive given twice.
 */
function withoutOperatorSet(lines: string[], site: SiteInput): string[] {
  const own = new Set(
    [...extra(site, "top"), ...extra(site, "ssl")].map((l) => /^\s*([a-z0-9_]+)\s/.exec(l)?.[1]),
  );
  return lines.filter((l) => l.startsWith("#") || !own.has(l.slice(0, l.indexOf(" "))));
}

/** The TLS files a site names (issued ones for a managed certificate), or null. */
export function declaredTlsFiles(
  site: Pick<SiteInput, "tls">,
  ctx: RenderContext,
): { certificate: string; key: string } | null {
  return site.tls?.cert
    ? ctx.certFiles?.(site.tls.cert) ?? null
    : site.tls?.certificate && site.tls.key
    ? { certificate: site.tls.certificate, key: site.tls.key }
    : null;
}

/** The declared TLS files that are missing on disk (the site is quarantined while any is). */
export function missingTlsFiles(site: Pick<SiteInput, "tls">, ctx: RenderContext): string[] {
  const f = declaredTlsFiles(site, ctx);
  if (!f || !ctx.fileMissing) return [];
  return [f.certificate, f.key].filter((p) => ctx.fileMissing!(p));
}

/** The TLS files a site is served with: none while not issued, or while one is missing. */
export function servedTlsFiles(site: Pick<SiteInput, "tls">, ctx: RenderContext) {
  return missingTlsFiles(site, ctx).length ? null : declaredTlsFiles(site, ctx);
}

export function siteView(
  site: SiteInput,
  ctx: RenderContext,
  storage?: SiteStorage,
): SiteView {
  const up = (pool: string) => upstreamFor(ctx, pool);
  const certFiles = servedTlsFiles(site, ctx);
  const missing = missingTlsFiles(site, ctx);
  const listens = effectiveListens(site, ctx, certFiles !== null);
  if (listens.length === 0) {
    // Every listen entry needs a certificate that is not issued yet (or missing). A server
    // block without listen would be served on nginx's default *:80, so there is none yet.
    return {
      name: site.name,
      blocks: [],
      note: missing.length
        ? `quarantined: certificate missing (${missing.join(", ")}) and every listen entry ` +
          "needs it: the site is served again once the file is back"
        : `certificate "${site.tls?.cert}" is not issued yet and every listen entry ` +
          "needs it: the site is served once it is",
    };
  }
  const httpListens = listens.filter((l) => !l.ssl);
  const sslListens = listens.filter((l) => l.ssl);
  const serverName = site.server_names.join(" ");
  const blocks: BlockView[] = [];
  const redirectSplit = site.redirect_http && sslListens.length > 0 && httpListens.length > 0;

  if (redirectSplit) {
    const httpsPort = sslListens[0].port;
    const target = `https://$host${httpsPort === 443 ? "" : `:${httpsPort}`}$request_uri`;
    blocks.push({
      listen: httpListens.map((l) => listenLine(l, ctx)),
      server_name: serverName,
      directives: ["# Plain HTTP only answers ACME challenges and redirects to HTTPS."],
      locations: [acmeLocation(ctx), { match: "/", directives: [`return 301 ${target};`] }],
      end: [],
    });
  }

  const directives: string[] = [...ipRuleLines(site.ip_rules), ...extra(site, "top")];
  if (site.client_max_body_size) {
    directives.push(`client_max_body_size ${site.client_max_body_size};`);
  }
  if (storage?.nanio) {
    directives.push(
      ...S3_SERVER_LINES.filter((l) => !(site.client_max_body_size && l.startsWith("client_max"))),
    );
  }
  for (const [k, v] of Object.entries(site.response_headers)) {
    directives.push(`add_header ${k} ${q(v)} always;`);
  }
  if (certFiles && sslListens.length) {
    if (ctx.features.http2Directive && sslListens.some((l) => l.http2)) {
      directives.push("http2 on;");
    }
    directives.push(
      `ssl_certificate ${certFiles.certificate};`,
      `ssl_certificate_key ${certFiles.key};`,
      ...withoutOperatorSet(tlsDirectives(ctx.tls), site),
    );
    // HSTS from the settings, unless the site sends its own Strict-Transport-Security.
    const ownHsts = Object.keys(site.response_headers ?? {}).some((k) =>
      k.toLowerCase() === "strict-transport-security"
    );
    if (site.redirect_http && !ownHsts) directives.push(...hstsDirectives(ctx.tls));
    directives.push(...extra(site, "ssl"));
  } else if (missing.length) {
    directives.push(
      `# quarantined: certificate missing (${
        missing.join(", ")
      }): serving plain HTTP until it is back`,
    );
  } else if (site.tls?.cert) {
    directives.push(
      `# certificate "${site.tls.cert}" is not issued yet: serving plain HTTP until it is`,
    );
  }
  directives.push(...extra(site, "proxy"));

  const locations: LocationView[] = [
    acmeLocation(ctx),
    ...site.routes.map((r) =>
      storage?.nanio && r.pool
        ? {
          ...routeLocation(r, up),
          directives: [...ipRuleLines(r.ip_rules), ...s3ProxyLines(r.pool, up)],
        }
        : routeLocation(r, up)
    ),
  ];
  for (const b of storage?.buckets ?? []) {
    const body = b.body ?? (b.http
      ? proxyLines(`http://${up(b.pool)}`, {
        websocket: false,
        preserve_host: true,
        strip_prefix: false,
        path: `/${b.bucket}/`,
      }, false)
      : s3ProxyLines(b.pool, up));
    locations.push(...bucketLocations(b, body), ...(b.extra ?? []));
  }
  const hasRoot = site.routes.some((r) => r.match === "prefix" && r.path === "/");
  if (site.default_pool && !hasRoot) {
    const loc: LocationView = {
      comment: `default pool ${site.default_pool}`,
      match: "/",
      directives: storage?.nanio
        ? s3ProxyLines(site.default_pool, up)
        : proxyLines(`http://${up(site.default_pool)}`, {
          websocket: false,
          preserve_host: true,
          strip_prefix: false,
          path: "/",
        }, false),
    };
    locations.push(loc);
  }
  blocks.push({
    listen: (redirectSplit ? sslListens : listens).map((l) => listenLine(l, ctx)),
    server_name: serverName,
    directives,
    locations,
    end: extra(site, "end"),
  });
  return { name: site.name, blocks };
}
