// Sites (nginx server blocks) and their routes (locations).
import { z } from "zod";
import {
  absPath,
  duration,
  entityName,
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
} from "../../model/grammar.ts";
import { checkRawDirectives } from "../../model/extra.ts";
import { parseAllowSetting } from "../../model/extra-allow.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";
import { expiryFields, resolveExpiry } from "../../model/expiry.ts";

export const IpRulesSchema = z.strictObject({
  mode: z.enum(["allow", "deny"]),
  addresses: z.array(grammar(ipOrCidr, 64)).min(1).max(10000),
});

// Raw text is checked whole (syntax and names, in its context) by checkSite and checkRoute.
const raw = grammar(() => null, 65536);

/** What a host adds to validation: the directive names raw_directives_allow adds. */
export interface SiteCheckOptions {
  rawAllow?: ReadonlySet<string>;
}

/** The options from the settings (the one way settings reach site validation). */
export function siteCheckOptions(settings?: { raw_directives_allow?: string }): SiteCheckOptions {
  const v = settings?.raw_directives_allow ?? "";
  return v ? { rawAllow: parseAllowSetting(v) } : {};
}

export const RouteSchema = z.strictObject({
  name: grammar(slug, 63),
  path: z.string().max(1024),
  match: z.enum(["prefix", "exact", "regex"]).default("prefix"),
  pool: grammar(entityName, 127).optional(),
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
  ...expiryFields,
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
  cert: grammar(entityName, 127).optional(),
});

export const ExtraBlockSchema = z.strictObject({
  zone: z.enum(["top", "ssl", "proxy", "end"]),
  content: raw,
});

export const SiteSpecSchema = z.strictObject({
  name: grammar(entityName, 127).optional(),
  description: z.string().max(1024).default(""),
  server_names: z.array(grammar(serverName, 253)).max(500).default([]),
  listen: z.array(ListenSchema).max(32).default([]),
  tls: TlsSchema.optional(),
  redirect_http: z.boolean().default(false),
  default_pool: grammar(entityName, 127).optional(),
  routes: z.array(RouteSchema).max(2000).default([]),
  ip_rules: IpRulesSchema.optional(),
  extra_blocks: z.array(ExtraBlockSchema).max(64).default([]),
  client_max_body_size: grammar(size, 16).optional(),
  response_headers: z.record(z.string(), z.string()).default({}),
  ...expiryFields,
  ...recordMeta,
});

export type Route = z.output<typeof RouteSchema>;
export type Listen = z.output<typeof ListenSchema>;
export type Tls = z.output<typeof TlsSchema>;
export type ExtraBlock = z.output<typeof ExtraBlockSchema>;
export type IpRules = z.output<typeof IpRulesSchema>;
/** A stored site's spec with its name. */
export type Site = SiteSpec & { name: string };

export type SiteSpec = Omit<z.output<typeof SiteSpecSchema>, keyof typeof recordMeta>;

export function parseSite(
  name: string,
  body: unknown,
  settings?: { raw_directives_allow?: string },
): SiteSpec & { name: string } {
  const why = entityName(name);
  if (why) throw invalid("name", why);
  const s = parseWith(SiteSpecSchema, body);
  if (s.name !== undefined && s.name !== name) {
    throw invalid("name", `body name "${s.name}" does not match the URL name "${name}"`);
  }
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, ...spec } = s;
  return checkSite(
    { ...resolveExpiry(spec), routes: spec.routes.map((r) => resolveExpiry(r)), name },
    siteCheckOptions(settings),
  );
}

export function parseRoute(
  name: string,
  body: unknown,
  index = 0,
  o: SiteCheckOptions = {},
): Route {
  const why = slug(name);
  if (why) throw invalid("name", why);
  const isObj = body !== null && typeof body === "object" && !Array.isArray(body);
  const b = isObj ? body as Record<string, unknown> : null;
  if (b && b.name !== undefined && b.name !== name) {
    throw invalid("name", `body name "${String(b.name)}" does not match the URL name "${name}"`);
  }
  // Fields are named where the route sits in its site, as checkRoute names them.
  const r = resolveExpiry(parseWith(RouteSchema, b ? { ...b, name } : body, ["routes", index]));
  checkRoute(r, `routes[${index}]`, o);
  return r;
}

const TARGETS = ["pool", "upstream", "redirect", "static"] as const;

/** Every site serves ACME HTTP-01 challenges here (kinds/site/render.ts acmeLocation). */
export const ACME_PATH = "/.well-known/acme-challenge/";

function checkRaw(
  text: string,
  field: string,
  context: "server" | "location",
  o: SiteCheckOptions,
) {
  const why = checkRawDirectives(text, { context, extra: o.rawAllow });
  if (why) {
    const d = why.match(/directive "([^"]+)"|^line \d+: "([^"]+)"/);
    throw invalid(field, why, d ? { directive: d[1] ?? d[2] } : {});
  }
}

export function checkRoute(r: Route, at: string, o: SiteCheckOptions = {}): void {
  if (r.extra !== undefined) checkRaw(r.extra, `${at}.extra`, "location", o);
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

/**
 * Each (port, name) is a uniqueness key in Deno KV, written in one atomic write
 * with the old ones deleted, and Deno KV refuses more than 80 KiB of keys per
 * write. So the names of a site, counted on every port it listens on (a `.x`
 * name twice: x and *.x), may hold at most 32 KiB (README: limits).
 */
export const SERVER_NAMES_BUDGET = 32768;

function checkNamesSize(s: SiteSpec): void {
  const ports = s.listen.length ? new Set(s.listen.map((l) => l.port)).size : s.tls ? 2 : 1;
  const perPort = s.server_names.reduce(
    (n, x) => n + (x.startsWith(".") ? 2 * x.length + 1 : x.length) + 24,
    0,
  );
  const total = perPort * ports;
  if (total > SERVER_NAMES_BUDGET) {
    throw invalid(
      "server_names",
      `too many or too long: ${s.server_names.length} names on ${ports} port(s) need ` +
        `${total} bytes of uniqueness keys, over the limit of ${SERVER_NAMES_BUDGET} ` +
        "(each name counts its length + 24 per port; split the names over several sites)",
    );
  }
}

/** Rules that span fields of one site; rules across entities live in state.ts. */
export function checkSite<T extends SiteSpec & { name: string }>(
  s: T,
  o: SiteCheckOptions = {},
): T {
  s.extra_blocks.forEach((b, i) => checkRaw(b.content, `extra_blocks[${i}].content`, "server", o));
  checkNamesSize(s);
  const names = new Set<string>();
  s.server_names.forEach((n, i) => {
    if (names.has(n)) throw invalid(`server_names[${i}]`, `duplicate server name ${n}`);
    names.add(n);
  });
  const routeNames = new Set<string>();
  const locs = new Set<string>();
  s.routes.forEach((r, i) => {
    checkRoute(r, `routes[${i}]`, o);
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
