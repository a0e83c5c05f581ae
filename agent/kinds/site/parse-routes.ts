// The locations of a site file back into routes (agent/kinds/site/render.ts
// routeLocation), and the IP rules shared by the server block and its locations.
import type { AgentError } from "../../errors.ts";
import type { Route, SiteSpec } from "./schema.ts";
import type { Directive } from "../../nginx/tokenizer.ts";
import { routeLocation } from "./render.ts";
import type { UpstreamPlan } from "../../render/upstream-plan.ts";

export type Fail = (d: Directive, why: string) => AgentError;

/** What reading a site's locations shares: the stored record and the route names taken. */
export interface RouteReader {
  fail: Fail;
  base: (SiteSpec & { name: string }) | null;
  baseRoutes: Map<string, Route>;
  usedNames: Set<string>;
  /** Which pools a shared upstream serves (render/upstreams.ts); absent: none is shared. */
  upstreams?: UpstreamPlan;
}

const PROXY_BOILERPLATE = new Set([
  "X-Real-IP",
  "X-Forwarded-For",
  "X-Forwarded-Proto",
  "X-Forwarded-Host",
  "X-Forwarded-Port",
  "Connection",
]);

export function ipRules(
  ds: Directive[],
  fail: Fail,
): { mode: "allow" | "deny"; addresses: string[] } | undefined {
  if (!ds.length) return undefined;
  for (const d of ds) if (d.args.length !== 1) throw fail(d, `expected: ${d.name} ADDRESS`);
  const last = ds.at(-1)!;
  if (last.name === "deny" && last.args[0] === "all" && ds.length > 1) {
    const allows = ds.slice(0, -1);
    const bad = allows.find((d) => d.name !== "allow");
    if (bad) {
      throw fail(bad, "IP rules are either allow-lists (allow ...; deny all;) or deny-lists");
    }
    return { mode: "allow", addresses: allows.map((d) => d.args[0]) };
  }
  const bad = ds.find((d) => d.name !== "deny");
  if (bad) throw fail(bad, "IP rules are either allow-lists (allow ...; deny all;) or deny-lists");
  return { mode: "deny", addresses: ds.map((d) => d.args[0]) };
}

function slugFromPath(path: string): string {
  const s = path.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50);
  return s || "root";
}

/**
 * A location of the main server block: a route, the default pool's catch-all,
 * or null for the ACME location every site renders.
 */
export function locationFrom(
  d: Directive,
  reader: RouteReader,
): { route: Route } | { defaultPool: string } | null {
  const { fail, base, baseRoutes, usedNames } = reader;
  const a = d.args;
  if (a.length === 2 && a[0] === "^~" && a[1] === "/.well-known/acme-challenge/") return null;
  let match: Route["match"];
  let path: string;
  if (a.length === 2 && a[0] === "=") [match, path] = ["exact", a[1]];
  else if (a.length === 2 && a[0] === "~") [match, path] = ["regex", a[1]];
  else if (a.length === 1 && !/^[~=@^]/.test(a[0])) [match, path] = ["prefix", a[0]];
  else throw fail(d, "only prefix, = (exact) and ~ (regex) locations are modeled by the agent");
  const comment = d.comments.map((c) => /^route ([a-z0-9][a-z0-9-]*)$/.exec(c)?.[1]).find(
    Boolean,
  );
  const defaultComment = d.comments.some((c) => /^default pool [a-z0-9_-]+$/.test(c));
  const inner = d.block ?? [];
  const rules: Directive[] = [];
  let proxyPass: string | undefined;
  let preserveHost = true;
  let websocket = false;
  let strip = false;
  const timeouts: Record<string, string> = {};
  let redirect: Route["redirect"];
  let root: string | undefined;
  let alias = false;
  let index: string[] | undefined;
  let autoindex = false;
  const baseRoute = comment ? baseRoutes.get(comment) : undefined;
  for (const x of inner) {
    switch (x.name) {
      case "allow":
      case "deny":
        rules.push(x);
        break;
      case "proxy_pass":
        proxyPass = x.args[0];
        break;
      case "proxy_http_version":
      case "proxy_ssl_server_name":
        break;
      case "proxy_set_header": {
        const [h, v] = x.args;
        if (h === "Host") preserveHost = v !== "$proxy_host";
        else if (h === "Upgrade") websocket = true;
        else if (h === "X-Forwarded-Prefix") strip = true;
        else if (!PROXY_BOILERPLATE.has(h) && !baseRoute?.extra) {
          throw fail(
            x,
            `proxy_set_header ${h} is not modeled by the agent (use the route's extra)`,
          );
        }
        break;
      }
      case "proxy_connect_timeout":
      case "proxy_read_timeout":
      case "proxy_send_timeout":
        timeouts[x.name.replace("proxy_", "")] = x.args[0];
        break;
      case "return": {
        const code = Number(x.args[0]);
        if (x.args.length !== 2 || ![301, 302, 303, 307, 308].includes(code)) {
          throw fail(x, "only redirects are modeled: return 301|302|303|307|308 URL");
        }
        redirect = { url: x.args[1], code: code as 301 };
        break;
      }
      case "root":
        root = x.args[0];
        break;
      case "alias":
        root = x.args[0];
        alias = true;
        break;
      case "index":
        index = x.args;
        break;
      case "autoindex":
        autoindex = x.args[0] === "on";
        break;
      default:
        if (!baseRoute?.extra) {
          throw fail(
            x,
            `"${x.name}" is not modeled by the agent in a location (use the route's extra)`,
          );
        }
    }
  }
  const pm = proxyPass ? poolOf(proxyPass, reader, baseRoute, d) : null;
  if (
    pm && pm[2] === "" && match === "prefix" && path === "/" && !comment &&
    (defaultComment || (base?.default_pool === pm[1] && !rules.length))
  ) {
    return { defaultPool: pm[1] };
  }
  let name = comment;
  if (!name || usedNames.has(name)) {
    const stem = slugFromPath(path);
    name = stem;
    for (let n = 2; usedNames.has(name) || (!comment && baseRoutes.has(name)); n++) {
      name = `${stem}-${n}`;
    }
  }
  usedNames.add(name);
  const r: Record<string, unknown> = { name, path, match };
  if (pm) {
    r.pool = pm[1];
    strip = strip || pm[2] === "/";
  } else if (proxyPass) {
    let url = proxyPass;
    // strip_prefix appends "/" to an upstream without a path
    if (strip && /^https?:\/\/[^/]+\/$/.test(url)) url = url.slice(0, -1);
    r.upstream = url;
  } else if (redirect) r.redirect = redirect;
  else if (root !== undefined) {
    r.static = {
      root: alias ? root.replace(/\/+$/, "") || "/" : root,
      ...(index ? { index } : {}),
      autoindex,
    };
    strip = alias;
  }
  r.strip_prefix = strip;
  r.websocket = websocket;
  r.preserve_host = preserveHost;
  for (const [k, v] of Object.entries(timeouts)) {
    // a WebSocket route gets 3600s unless it sets its own
    if (
      websocket && v === "3600s" && k !== "connect_timeout" && !baseRoute?.[k as "read_timeout"]
    ) continue;
    r[k] = v;
  }
  const rr = ipRules(rules, fail);
  if (rr) r.ip_rules = rr;
  if (baseRoute?.extra) r.extra = baseRoute.extra;
  // An unchanged route keeps its stored form (fields that render alike, e.g. defaults).
  if (baseRoute && sameLocation(baseRoute, r as unknown as Route)) return { route: baseRoute };
  return { route: r as unknown as Route };
}

/**
 * The pool a proxy_pass names: `sy_<pool>`, or a shared upstream, which stands for
 * any of its identical pools: the stored route's (or default pool) when it is one
 * of them, else the first. [match, pool, "/" or ""], like the regex's groups.
 */
function poolOf(
  url: string,
  reader: RouteReader,
  baseRoute: Route | undefined,
  d: Directive,
): [string, string, string] | null {
  const own = /^http:\/\/sy_((?:[a-z0-9][a-z0-9-]*__)?[a-z0-9][a-z0-9-]*)(\/?)$/.exec(url);
  if (own) return [own[0], own[1], own[2]];
  const shared = /^http:\/\/(sy_shared_[0-9a-f]{12})(\/?)$/.exec(url);
  if (!shared) return null;
  const pools = reader.upstreams?.poolsOf(shared[1]) ?? [];
  if (!pools.length) throw reader.fail(d, `no pool is served by the shared upstream ${shared[1]}`);
  const stored = [baseRoute?.pool, reader.base?.default_pool].find((p) => p && pools.includes(p));
  return [shared[0], stored ?? pools[0], shared[2]];
}

function sameLocation(a: Route, b: Route): boolean {
  try {
    const x = routeLocation(a);
    const y = routeLocation(b);
    return x.match === y.match && JSON.stringify(x.directives) === JSON.stringify(y.directives);
  } catch {
    return false;
  }
}
