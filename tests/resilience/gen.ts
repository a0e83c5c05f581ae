// Random valid states over the model schemas: pools with members and every
// balancing method, sites with listens, TLS, redirects, IP rules, headers,
// extra blocks, and routes of every target kind and match type. Every record
// goes through parsePool/parseSite, so it is exactly what the API would store.
import { parsePool } from "../../agent/kinds/pool/schema.ts";
import { parseSite } from "../../agent/kinds/site/schema.ts";

export type Rand = () => number;

export function rng(seed: number): Rand {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rand, p: number) => r() < p;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export interface GenOptions {
  /** A certificate and key that exist (nginx -t reads them). */
  tls?: { certificate: string; key: string };
  /** Raw directives in extra blocks and route extras (parse-back keeps them from the sidecar). */
  extras?: boolean;
  /** Ports sites may listen on explicitly. */
  ports?: number[];
}

export function genPool(r: Rand, name: string): Record<string, unknown> & { name: string } {
  const lb = pick(r, ["round_robin", "least_conn", "ip_hash", "hash"] as const);
  const members = Array.from({ length: int(r, 0, 4) }, (_, i) => ({
    address: chance(r, 0.15)
      ? `unix:/run/sy-${name}-${i}.sock`
      : `127.0.0.${int(r, 1, 250)}:${9000 + i}`,
    ...(chance(r, 0.3) ? { weight: int(r, 1, 9) } : {}),
    ...(chance(r, 0.2) ? { max_fails: int(r, 0, 5) } : {}),
    ...(chance(r, 0.2) ? { fail_timeout: pick(r, ["5s", "30s", "1m"]) } : {}),
    ...(chance(r, 0.15) && lb !== "ip_hash" && lb !== "hash" ? { backup: true } : {}),
    ...(chance(r, 0.1) ? { down: true } : {}),
  }));
  return parsePool(name, {
    description: chance(r, 0.5) ? `pool ${name} #${int(r, 1, 99)}` : "",
    lb_method: lb,
    ...(lb === "hash" ? { hash_key: pick(r, ["$request_uri", "$remote_addr", "$host$uri"]) } : {}),
    ...(lb === "hash" && chance(r, 0.5) ? { hash_consistent: true } : {}),
    ...(chance(r, 0.3) ? { keepalive: pick(r, [0, 8, 64]) } : {}),
    members,
  });
}

function genRoute(r: Rand, i: number, pools: string[], o: GenOptions): Record<string, unknown> {
  const kinds = ["upstream", "redirect", "static", ...(pools.length ? ["pool", "pool"] : [])];
  const kind = pick(r, kinds);
  const match = kind === "redirect"
    ? pick(r, ["prefix", "exact"])
    : pick(r, ["prefix", "prefix", "exact", "regex"]);
  const path = match === "regex"
    ? pick(r, [`^/r${i}/[0-9]+$`, `\\.(png|jpg)$`, `^/x${i}`])
    : match === "exact"
    ? `/e${i}`
    : pick(r, [`/p${i}/`, `/api${i}/`, "/"]);
  const rt: Record<string, unknown> = { name: `r${i}`, path, match };
  const proxied = kind === "pool" || kind === "upstream";
  const strip = match !== "regex" && kind !== "redirect" && chance(r, 0.4);
  if (kind === "pool") rt.pool = pick(r, pools);
  if (kind === "upstream") {
    const host = pick(r, ["127.0.0.1:8081", "127.0.0.2", "[::1]:8082"]);
    const scheme = pick(r, ["http", "https"]);
    rt.upstream = `${scheme}://${host}${
      !strip && match !== "regex" && chance(r, 0.3) ? "/base/" : ""
    }`;
  }
  if (kind === "redirect") {
    rt.redirect = {
      url: pick(r, ["/new", "https://example.org$request_uri", "https://$host/moved$is_args$args"]),
      code: pick(r, [301, 302, 303, 307, 308]),
    };
  }
  if (kind === "static") {
    rt.static = {
      root: pick(r, ["/srv/www", "/var/lib/site/assets"]),
      ...(chance(r, 0.4) ? { index: pick(r, [["index.htm"], ["a.html", "b.html"]]) } : {}),
      ...(chance(r, 0.3) ? { autoindex: true } : {}),
    };
  }
  if (strip) rt.strip_prefix = true;
  if (proxied && chance(r, 0.3)) rt.websocket = true;
  if (proxied && chance(r, 0.2)) rt.preserve_host = false;
  if (proxied && chance(r, 0.2)) rt.connect_timeout = pick(r, ["2s", "500ms"]);
  if (proxied && chance(r, 0.2)) rt.read_timeout = pick(r, ["30s", "3600s", "5m"]);
  if (proxied && chance(r, 0.2)) rt.send_timeout = "10s";
  if (chance(r, 0.2)) {
    rt.ip_rules = {
      mode: pick(r, ["allow", "deny"]),
      addresses: pick(r, [["10.0.0.0/8"], ["192.168.1.7", "2001:db8::/32"]]),
    };
  }
  if (o.extras && chance(r, 0.2)) rt.extra = pick(r, ["expires 1h;", "add_header X-Route r;"]);
  return rt;
}

export function genSite(
  r: Rand,
  name: string,
  pools: string[],
  o: GenOptions = {},
): Record<string, unknown> & { name: string } {
  for (let attempt = 0; attempt < 50; attempt++) {
    const withTls = o.tls !== undefined && chance(r, 0.35);
    const explicit = chance(r, 0.3) && (o.ports?.length ?? 0) > 0;
    const listen = explicit
      ? [
        { port: pick(r, o.ports!), ...(chance(r, 0.5) ? { address: "127.0.0.1" } : {}) },
        ...(withTls
          ? [{ port: pick(r, o.ports!) + 1, ssl: true, ...(chance(r, 0.5) ? { http2: true } : {}) }]
          : []),
      ]
      : [];
    const routes = Array.from({ length: int(r, 0, 5) }, (_, i) => genRoute(r, i, pools, o));
    const body = {
      description: chance(r, 0.4) ? `the ${name} site` : "",
      server_names: chance(r, 0.1)
        ? []
        : [`${name}.test`, ...(chance(r, 0.3) ? [`www.${name}.test`] : [])],
      listen,
      ...(withTls ? { tls: o.tls } : {}),
      ...(withTls && chance(r, 0.5) ? { redirect_http: true } : {}),
      ...(pools.length && chance(r, 0.6) ? { default_pool: pick(r, pools) } : {}),
      routes,
      ...(chance(r, 0.2)
        ? {
          ip_rules: {
            mode: pick(r, ["allow", "deny"]),
            addresses: pick(r, [["127.0.0.1"], ["10.1.2.3", "10.9.0.0/16"]]),
          },
        }
        : {}),
      ...(o.extras && chance(r, 0.25)
        ? {
          extra_blocks: [{
            zone: pick(r, ["top", "proxy", "end"]),
            content: "gzip on;\ngzip_types text/css;",
          }],
        }
        : {}),
      ...(chance(r, 0.3) ? { client_max_body_size: pick(r, ["0", "10m", "512k"]) } : {}),
      ...(chance(r, 0.3)
        ? { response_headers: { "X-Frame-Options": "DENY", "X-Site": name } }
        : {}),
    };
    try {
      return parseSite(name, body);
    } catch {
      // an invalid combination (two routes on one location, ...): draw again
    }
  }
  throw new Error(`could not generate a valid site ${name}`);
}

/** A random state: 1-3 pools and 1-4 sites using them. */
export function genState(r: Rand, o: GenOptions = {}) {
  const pools = Array.from({ length: int(r, 1, 3) }, (_, i) => genPool(r, `pool${i}`));
  const names = pools.map((p) => p.name);
  const sites = Array.from({ length: int(r, 1, 4) }, (_, i) => genSite(r, `site${i}`, names, o));
  return { pools, sites };
}
