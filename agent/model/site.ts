// Sites (nginx server blocks) and their routes (locations).
import { z } from "zod";
import {
  absPath,
  duration,
  headerName,
  headerValue,
  ipOrCidr,
  locationRegex,
  port,
  redirectUrl,
  serverName,
  size,
  slug,
  upstreamUrl,
  uriPath,
} from "./grammar.ts";
import { checkRawDirectives } from "./extra.ts";
import { grammar, parseWith } from "./validate.ts";
import { invalid } from "../errors.ts";
import { recordMeta } from "./record.ts";

export const IpRulesSchema = z.strictObject({
  mode: z.enum(["allow", "deny"]),
  addresses: z.array(grammar(ipOrCidr, 64)).min(1).max(10000),
});

const raw = grammar(checkRawDirectives, 65536);

export const RouteSchema = z.strictObject({
  name: grammar(slug, 63),
  path: z.string().max(1024),
  match: z.enum(["prefix", "exact", "regex"]).default("prefix"),
  pool: grammar(slug, 63).optional(),
  upstream: grammar(upstreamUrl, 2048).optional(),
  redirect: z.strictObject({
    url: grammar(redirectUrl, 2048),
    code: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)])
      .default(301),
  }).optional(),
  static: z.strictObject({
    root: grammar(absPath, 1024),
    index: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a file name")).min(1).max(16)
      .default(["index.html"]),
    autoindex: z.boolean().default(false),
  }).optional(),
  strip_prefix: z.boolean().default(false),
  websocket: z.boolean().default(false),
  preserve_host: z.boolean().default(true),
  connect_timeout: grammar(duration, 16).optional(),
  read_timeout: grammar(duration, 16).optional(),
  send_timeout: grammar(duration, 16).optional(),
  ip_rules: IpRulesSchema.optional(),
  extra: raw.optional(),
});

export const ListenSchema = z.strictObject({
  port: z.number().int().superRefine((n, ctx) => {
    const why = port(n);
    if (why) ctx.addIssue({ code: "custom", message: why });
  }),
  address: z.string().max(64).superRefine((v, ctx) => {
    const why = ipOrCidr(v.replace(/^\[|\]$/g, ""));
    if (why || v.includes("/")) ctx.addIssue({ code: "custom", message: "must be an IP address" });
  }).optional(),
  ssl: z.boolean().default(false),
  http2: z.boolean().default(false),
  default_server: z.boolean().default(false),
});

export const TlsSchema = z.strictObject({
  certificate: grammar(absPath, 1024).optional(),
  key: grammar(absPath, 1024).optional(),
  /** Name of a managed certificate (ACME); its files are found by the agent. */
  cert: grammar(slug, 63).optional(),
});

export const ExtraBlockSchema = z.strictObject({
  zone: z.enum(["top", "ssl", "proxy", "end"]),
  content: raw,
});

export const SiteSpecSchema = z.strictObject({
  name: grammar(slug, 63).optional(),
  description: z.string().max(1024).default(""),
  server_names: z.array(grammar(serverName, 253)).max(500).default([]),
  listen: z.array(ListenSchema).max(32).default([]),
  tls: TlsSchema.optional(),
  redirect_http: z.boolean().default(false),
  default_pool: grammar(slug, 63).optional(),
  routes: z.array(RouteSchema).max(2000).default([]),
  ip_rules: IpRulesSchema.optional(),
  extra_blocks: z.array(ExtraBlockSchema).max(64).default([]),
  client_max_body_size: grammar(size, 16).optional(),
  response_headers: z.record(z.string(), z.string()).default({}),
  ...recordMeta,
});

export type Route = z.output<typeof RouteSchema>;
export type Listen = z.output<typeof ListenSchema>;
export type Tls = z.output<typeof TlsSchema>;
export type IpRules = z.output<typeof IpRulesSchema>;
export type SiteSpec = Omit<z.output<typeof SiteSpecSchema>, keyof typeof recordMeta>;

export function parseSite(name: string, body: unknown): SiteSpec & { name: string } {
  const why = slug(name);
  if (why) throw invalid("name", why);
  const s = parseWith(SiteSpecSchema, body);
  if (s.name !== undefined && s.name !== name) {
    throw invalid("name", `body name "${s.name}" does not match the URL name "${name}"`);
  }
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, ...spec } = s;
  return checkSite({ ...spec, name });
}

export function parseRoute(name: string, body: unknown, index = 0): Route {
  const why = slug(name);
  if (why) throw invalid("name", why);
  const isObj = body !== null && typeof body === "object" && !Array.isArray(body);
  const b = isObj ? body as Record<string, unknown> : null;
  if (b && b.name !== undefined && b.name !== name) {
    throw invalid("name", `body name "${String(b.name)}" does not match the URL name "${name}"`);
  }
  // Fields are named where the route sits in its site, as checkRoute names them.
  const r = parseWith(RouteSchema, b ? { ...b, name } : body, ["routes", index]);
  checkRoute(r, `routes[${index}]`);
  return r;
}

const TARGETS = ["pool", "upstream", "redirect", "static"] as const;

/** Every site serves ACME HTTP-01 challenges here (render/site.ts acmeLocation). */
export const ACME_PATH = "/.well-known/acme-challenge/";

export function checkRoute(r: Route, at: string): void {
  const targets = TARGETS.filter((t) => r[t] !== undefined);
  if (targets.length !== 1) {
    throw invalid(
      at,
      targets.length === 0
        ? "needs a target: one of pool, upstream, redirect or static"
        : `has several targets (${targets.join(", ")}); give exactly one`,
    );
  }
  const pathWhy = r.match === "regex" ? locationRegex(r.path) : uriPath(r.path);
  if (pathWhy) throw invalid(`${at}.path`, pathWhy);
  if (r.match === "prefix" && r.path === ACME_PATH) {
    throw invalid(`${at}.path`, "is reserved: every site serves ACME challenges there");
  }
  if (r.strip_prefix) {
    if (r.match === "regex") throw invalid(`${at}.strip_prefix`, "needs a prefix or exact path");
    // nginx replaces the matched prefix: /api would turn /api/x into //x, /apix into /x,
    // and with static (alias) /api../ into a path outside the root.
    if (r.match === "prefix" && !r.path.endsWith("/")) {
      throw invalid(`${at}.path`, "with strip_prefix a prefix path must end with '/' (/api/)");
    }
    if (r.redirect) throw invalid(`${at}.strip_prefix`, "does not apply to redirects");
    if (r.upstream && /^https?:\/\/[^/]+\/./.test(r.upstream)) {
      throw invalid(
        `${at}.strip_prefix`,
        "cannot be combined with an upstream URL that has a path",
      );
    }
  }
  if (r.match === "regex" && r.upstream && /^https?:\/\/[^/]+\//.test(r.upstream)) {
    throw invalid(`${at}.upstream`, "a regex route's upstream URL must not have a path");
  }
  if (r.websocket && !(r.pool || r.upstream)) {
    throw invalid(`${at}.websocket`, "needs a pool or upstream target");
  }
}

/** Rules that span fields of one site; rules across entities live in state.ts. */
export function checkSite<T extends SiteSpec & { name: string }>(s: T): T {
  const names = new Set<string>();
  s.server_names.forEach((n, i) => {
    if (names.has(n)) throw invalid(`server_names[${i}]`, `duplicate server name ${n}`);
    names.add(n);
  });
  const routeNames = new Set<string>();
  const locs = new Set<string>();
  s.routes.forEach((r, i) => {
    checkRoute(r, `routes[${i}]`);
    if (routeNames.has(r.name)) throw invalid(`routes[${i}].name`, `duplicate route ${r.name}`);
    routeNames.add(r.name);
    const key = `${r.match}:${r.path}`;
    if (locs.has(key)) {
      throw invalid(`routes[${i}].path`, `another route already matches ${r.match} ${r.path}`);
    }
    locs.add(key);
  });
  for (const [k, v] of Object.entries(s.response_headers)) {
    const nameWhy = headerName(k);
    if (nameWhy) throw invalid(`response_headers.${k}`, nameWhy);
    const valueWhy = headerValue(v);
    if (valueWhy) throw invalid(`response_headers.${k}`, valueWhy);
  }
  if (s.tls) {
    const hasFiles = s.tls.certificate !== undefined || s.tls.key !== undefined;
    if (hasFiles && (!s.tls.certificate || !s.tls.key)) {
      throw invalid(
        s.tls.certificate ? "tls.key" : "tls.certificate",
        "certificate and key go together",
      );
    }
    if (hasFiles && s.tls.cert) throw invalid("tls.cert", "give either cert or certificate+key");
    if (!hasFiles && !s.tls.cert) throw invalid("tls", "needs certificate+key or cert");
  }
  const ports = new Set<string>();
  s.listen.forEach((l, i) => {
    if (l.ssl && !s.tls) throw invalid(`listen[${i}].ssl`, "needs tls (certificate and key)");
    if (l.http2 && !l.ssl) {
      throw invalid(`listen[${i}].http2`, "needs ssl on the same listen entry");
    }
    const k = `${l.address ?? "*"}:${l.port}`;
    if (ports.has(k)) throw invalid(`listen[${i}].port`, `port ${l.port} is listed twice`);
    ports.add(k);
  });
  if (s.redirect_http && !s.tls) throw invalid("redirect_http", "needs tls");
  if (s.listen.length && s.tls && !s.listen.some((l) => l.ssl)) {
    throw invalid("listen", "tls is set but no listen entry has ssl");
  }
  return s;
}
