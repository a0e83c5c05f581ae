// Site files back into site records: the server block(s) a site renders
// (agent/kinds/site/render.ts), read directive by directive; the locations are
// read in parse-routes.ts.
import { specOf } from "../../store/store.ts";
import { type ExtraBlock, parseSite, type Route, type SiteSpec } from "./schema.ts";
import { effectiveListens } from "../../model/listen.ts";
import { StateView } from "../../render/files.ts";
import { type Directive, flatten, parseNginx } from "../../nginx/tokenizer.ts";
import {
  absorbError,
  type Candidate,
  type ParseBackInput,
  validated,
} from "../../nginx/parse-input.ts";
import { type Fail, ipRules, locationFrom } from "./parse-routes.ts";

interface ParsedListen {
  address?: string;
  port: number;
  ssl: boolean;
  http2: boolean;
  default_server: boolean;
}

function parseListen(d: Directive, fail: Fail): ParsedListen {
  const [hp, ...flags] = d.args;
  if (!hp) throw fail(d, "listen needs an address or port");
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d{1,5})$/.exec(hp);
  if (!m) throw fail(d, "listen must be PORT, IPv4:PORT or [IPv6]:PORT");
  const l: ParsedListen = {
    ...(m[1] ? { address: m[1].replace(/^\[|\]$/g, "") } : {}),
    port: Number(m[2]),
    ssl: false,
    http2: false,
    default_server: false,
  };
  for (const f of flags) {
    if (f === "ssl") l.ssl = true;
    else if (f === "http2") l.http2 = true;
    else if (f === "default_server") l.default_server = true;
    else throw fail(d, `listen parameter "${f}" is not modeled by the agent`);
  }
  return l;
}

function listenKey(
  l: { address?: string; port: number; ssl: boolean; http2: boolean; default_server: boolean },
) {
  return JSON.stringify([l.address ?? null, l.port, l.ssl, l.ssl && l.http2, l.default_server]);
}

/**
 * The site reader: candidates for a site file's tree (with the stored extra
 * blocks taken out and not, redirect_http both ways when it renders alike).
 */
export function siteFromTree(input: ParseBackInput, tree: Directive[]): Candidate[] {
  const { file, name, text, ctx } = input;
  const fail = (d: Directive, why: string) => absorbError(file, d.line, why, text);
  for (const d of tree) {
    if (d.name !== "server" || !d.block) {
      throw fail(d, "a site file holds server blocks and nothing else");
    }
  }
  // A site waiting for its only certificate renders no server block at all: the
  // empty file is its record's, and only the record (the sidecar) can say more.
  if (tree.length === 0 && input.base) {
    return [specOf(input.base) as Candidate];
  }
  if (tree.length < 1 || tree.length > 2) {
    throw absorbError(
      file,
      tree[2]?.line ?? null,
      "a site file holds one server block (two with redirect_http)",
      text,
    );
  }
  const base = input.base ? specOf(input.base) as unknown as SiteSpec & { name: string } : null;
  const ownHsts = Object.keys(base?.response_headers ?? {}).some((k) =>
    k.toLowerCase() === "strict-transport-security"
  );
  // Routes an extension adds to this site when rendering are not part of the record.
  const derived = new Set<string>();
  if (base && input.extensions?.some((e) => e.expand)) {
    let view = new StateView(input.state);
    for (const ext of input.extensions) if (ext.expand) view = ext.expand(view, ctx);
    const own = new Set(base.routes.map((r) => r.name));
    for (const r of view.get<SiteSpec>("site", name)?.routes ?? []) {
      if (!own.has(r.name)) derived.add(r.name);
    }
  }
  const main = tree.at(-1)!;
  const redirectBlock = tree.length === 2 ? tree[0] : null;
  // Read the server block once with the stored record's extra blocks taken out
  // (where the file holds them unchanged), so a directive the model also has
  // (add_header, allow, a location) stays an extra block, and once as it is.
  const variants = [withoutExtras(main.block!, base?.extra_blocks ?? []), main.block!];
  const out: Candidate[] = [];
  let refusal: unknown = null;
  for (const directives of variants) {
    if (!directives) continue;
    try {
      out.push(...readServer(directives));
    } catch (e) {
      refusal ??= e;
    }
  }
  if (!out.length) throw refusal;
  return out;

  function readServer(directives: Directive[]): Candidate[] {
    const listens: ParsedListen[] = [];
    const listenLines: number[] = [];
    if (redirectBlock) {
      for (const d of redirectBlock.block!) {
        if (d.name === "listen") {
          listens.push(parseListen(d, fail));
          listenLines.push(d.line);
        }
      }
    }
    let serverNames: string[] = [];
    let serverNameLine = main.line;
    const ipDirectives: Directive[] = [];
    let maxBody: string | undefined;
    const headers: Record<string, string> = {};
    const headerLines: Record<string, number> = {};
    let http2On = false;
    let certificate: string | undefined;
    let key: string | undefined;
    let certLine = main.line;
    const routes: Route[] = [];
    const routeLines: number[] = [];
    let defaultPool: string | undefined;
    const baseRoutes = new Map((base?.routes ?? []).map((r) => [r.name, r]));
    const usedNames = new Set<string>();
    const hasExtras = (base?.extra_blocks ?? []).length > 0;
    for (const d of directives) {
      switch (d.name) {
        case "listen":
          listens.push(parseListen(d, fail));
          listenLines.push(d.line);
          break;
        case "server_name":
          serverNames = d.args;
          serverNameLine = d.line;
          break;
        case "server_tokens":
        case "ssl_protocols":
        case "ssl_session_cache":
        case "ssl_session_timeout":
        case "ssl_ciphers":
        case "ssl_prefer_server_ciphers":
        case "ssl_session_tickets":
          break; // rendered for every site (the TLS profile); the comparison checks them
        case "allow":
        case "deny":
          ipDirectives.push(d);
          break;
        case "client_max_body_size":
          if (d.args.length !== 1) throw fail(d, "expected: client_max_body_size SIZE");
          maxBody = d.args[0];
          break;
        case "add_header":
          // HSTS comes from the settings (hsts, hsts_max_age) on redirect_http sites,
          // unless the stored site sends its own header.
          if (d.args[0] === "Strict-Transport-Security" && !ownHsts) break;
          if (d.args.length < 2 || d.args.length > 3 || (d.args[2] && d.args[2] !== "always")) {
            throw fail(d, "expected: add_header NAME VALUE always");
          }
          headers[d.args[0]] = d.args[1];
          headerLines[d.args[0]] = d.line;
          break;
        case "http2":
          http2On = d.args[0] === "on";
          break;
        case "ssl_certificate":
          certificate = d.args[0];
          certLine = d.line;
          break;
        case "ssl_certificate_key":
          key = d.args[0];
          break;
        case "location": {
          const loc = locationFrom(d, {
            fail,
            base,
            baseRoutes,
            usedNames,
            upstreams: input.upstreams,
          });
          if (loc === null) break;
          if ("defaultPool" in loc) {
            defaultPool = loc.defaultPool;
            break;
          }
          routes.push(loc.route);
          routeLines.push(d.line);
          break;
        }
        default:
          if (!hasExtras) {
            throw fail(
              d,
              `"${d.name}" is not modeled by the agent (raw directives are set through the API, in extra_blocks)`,
            );
          }
      }
    }

    const hasRootRoute = routes.some((r) => r.match === "prefix" && r.path === "/");
    if (defaultPool === undefined && hasRootRoute) defaultPool = base?.default_pool;

    // TLS: the managed certificate or the files the edit names.
    let tls: SiteSpec["tls"];
    if (certificate !== undefined || key !== undefined) {
      const managed = base?.tls?.cert ? ctx.certFiles?.(base.tls.cert) ?? null : null;
      if (managed && managed.certificate === certificate && managed.key === key) tls = base!.tls;
      else tls = { certificate, key };
    } else if (base?.tls?.cert && !ctx.certFiles?.(base.tls.cert)) {
      tls = base.tls; // not issued yet: the site renders plain HTTP
    }
    if (http2On) { for (const l of listens) if (l.ssl) l.http2 = true; }

    const baseListens = base
      ? effectiveListens(
        base,
        ctx,
        base.tls?.cert ? ctx.certFiles?.(base.tls.cert) != null : base.tls !== undefined,
      )
      : null;
    const parsedKeys = listens.map((l) => listenKey(l));
    // The redirect split groups plain listens before TLS ones: compare as sets then.
    const norm = (keys: string[]) => JSON.stringify(redirectBlock ? [...keys].sort() : keys);
    const sameAsBase = baseListens !== null &&
      norm(baseListens.map((l) => listenKey(l))) === norm(parsedKeys);
    const listen = sameAsBase ? base!.listen : listens.map((l) => ({
      port: l.port,
      ...(l.address !== undefined ? { address: l.address } : {}),
      ssl: l.ssl,
      http2: l.ssl && l.http2,
      default_server: l.default_server,
    }));
    const ipr = ipRules(ipDirectives, fail);
    const spec = (redirectHttp: boolean) => ({
      description: base?.description ?? "",
      server_names: serverNames,
      listen,
      ...(tls ? { tls } : {}),
      redirect_http: redirectHttp,
      ...(defaultPool ? { default_pool: defaultPool } : {}),
      routes: routes.filter((r) => !derived.has(r.name)),
      ...(ipr ? { ip_rules: ipr } : {}),
      extra_blocks: base?.extra_blocks ?? [],
      ...(maxBody ? { client_max_body_size: maxBody } : {}),
      response_headers: headers,
    });
    const lineOf = (field: string): number | null => {
      const r = /^routes\[(\d+)\]/.exec(field);
      if (r) return routeLines[Number(r[1])] ?? main.line;
      const l = /^listen\[(\d+)\]/.exec(field);
      if (l) return listenLines[Number(l[1])] ?? main.line;
      if (field.startsWith("server_names")) return serverNameLine;
      if (field.startsWith("response_headers.")) return headerLines[field.slice(17)] ?? main.line;
      if (field.startsWith("tls")) return certLine;
      return main.line;
    };
    // redirect_http is visible only as a second server block; keep the stored value when both render alike.
    const options = redirectBlock ? [true] : base?.redirect_http ? [true, false] : [false];
    const out: Candidate[] = [];
    for (const o of options) {
      try {
        out.push(
          { ...validated(file, lineOf, () => parseSite(name, spec(o))) } as Candidate,
        );
      } catch (e) {
        if (o === options.at(-1) && !out.length) throw e;
      }
    }
    return out;
  }
}

const ZONES = ["top", "ssl", "proxy", "end"] as const;

/** A directive list's shape, comments, formatting and lines left out. */
const shape = (ds: Directive[]) => JSON.stringify(flatten(ds).map((f) => [f.ctx, f.key]));

/**
 * The server block's directives without the stored extra blocks, each found
 * unchanged in the order the site renders them; null when there are none or
 * one is not there as stored (edited by hand: the comparison then refuses it).
 */
export function withoutExtras(ds: Directive[], blocks: ExtraBlock[]): Directive[] | null {
  const ordered = ZONES.flatMap((z) => blocks.filter((b) => b.zone === z));
  if (!ordered.length) return null;
  const out = [...ds];
  let at = 0;
  for (const b of ordered) {
    let want: Directive[];
    try {
      want = parseNginx(b.content);
    } catch {
      return null;
    }
    if (!want.length) continue;
    const key = shape(want);
    let found = -1;
    for (let i = at; i + want.length <= out.length && found < 0; i++) {
      if (shape(out.slice(i, i + want.length)) === key) found = i;
    }
    if (found < 0) return null;
    out.splice(found, want.length);
    at = found;
  }
  return out;
}
