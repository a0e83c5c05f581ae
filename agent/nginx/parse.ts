// nginx text back into records: a tokenizer and directive tree for nginx
// configuration, and the parse-back of the files the agent renders (pools and
// sites) for absorbing hand edits and for rebuilding state from disk.
//
// A parse-back is only accepted when the record it produces renders to the same
// directives as the file (comments and whitespace aside). Whatever the model
// cannot express therefore fails that comparison, and the error names the first
// line that differs, so nothing an operator wrote is silently dropped.
import { AgentError } from "../errors.ts";
import type { Rec } from "../store/store.ts";
import { specOf } from "../store/store.ts";
import { parsePool, type PoolSpec } from "../model/pool.ts";
import { parseSite, type Route, type SiteSpec } from "../model/site.ts";
import { effectiveListens } from "../model/listen.ts";
import { confFileName, type RenderExtension, renderTree, StateView } from "../render/tree.ts";
import type { RenderContext } from "../render/context.ts";
import { upstreamName } from "../render/pool.ts";
import { routeLocation } from "../render/site.ts";

export interface Directive {
  name: string;
  args: string[];
  line: number;
  /** Line of the closing brace of a block. */
  endLine?: number;
  block?: Directive[];
  /** Comment lines directly above the directive, without '#'. */
  comments: string[];
}

export class NginxSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/** Parses nginx configuration text into a directive tree. */
export function parseNginx(text: string): Directive[] {
  let i = 0;
  let line = 1;
  const root: Directive[] = [];
  const stack: { list: Directive[]; owner: Directive | null }[] = [{ list: root, owner: null }];
  let words: string[] = [];
  let startLine = 0;
  let comments: string[] = [];
  const push = (d: Directive) => stack[stack.length - 1].list.push(d);
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      let j = i;
      while (j < text.length && text[j] !== "\n") j++;
      if (words.length === 0) comments.push(text.slice(i + 1, j).trim());
      i = j;
      continue;
    }
    if (c === ";") {
      if (!words.length) throw new NginxSyntaxError(line, `unexpected ";"`);
      push({ name: words[0], args: words.slice(1), line: startLine, comments });
      words = [];
      comments = [];
      i++;
      continue;
    }
    if (c === "{") {
      if (!words.length) throw new NginxSyntaxError(line, `unexpected "{"`);
      const d: Directive = {
        name: words[0],
        args: words.slice(1),
        line: startLine,
        block: [],
        comments,
      };
      push(d);
      stack.push({ list: d.block!, owner: d });
      words = [];
      comments = [];
      i++;
      continue;
    }
    if (c === "}") {
      if (words.length) {
        throw new NginxSyntaxError(line, `unexpected "}": "${words[0]}" has no ";"`);
      }
      if (stack.length === 1) throw new NginxSyntaxError(line, `unexpected "}"`);
      stack.pop()!.owner!.endLine = line;
      comments = [];
      i++;
      continue;
    }
    if (!words.length) startLine = line;
    if (c === '"' || c === "'") {
      let j = i + 1;
      let out = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\" && j + 1 < text.length) {
          const n = text[j + 1];
          out += n === "n"
            ? "\n"
            : n === "t"
            ? "\t"
            : n === "r"
            ? "\r"
            : "\"'\\".includes(n)
            ? n
            : "\\" + n;
          j += 2;
          continue;
        }
        if (text[j] === "\n") line++;
        out += text[j++];
      }
      if (j >= text.length) throw new NginxSyntaxError(line, "unterminated quoted string");
      words.push(out);
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s;{}]/.test(text[j])) {
      if (text[j] === "$" && text[j + 1] === "{") {
        const close = text.indexOf("}", j);
        j = close < 0 ? text.length : close + 1;
        continue;
      }
      j++;
    }
    words.push(text.slice(i, j));
    i = j;
  }
  if (words.length) {
    throw new NginxSyntaxError(line, `unexpected end of file: "${words[0]}" has no ";"`);
  }
  if (stack.length > 1) throw new NginxSyntaxError(line, `unexpected end of file, expecting "}"`);
  return root;
}

export interface FlatItem {
  /** Enclosing blocks, e.g. "server > location /api/". */
  ctx: string;
  key: string;
  line: number;
}

/** The directive sequence of a tree, comments and formatting left out. */
export function flatten(ds: Directive[], ctx = ""): FlatItem[] {
  const out: FlatItem[] = [];
  for (const d of ds) {
    const key = JSON.stringify([d.name, ...d.args]) + (d.block ? "{" : ";");
    out.push({ ctx, key, line: d.line });
    if (d.block) {
      const inner = [ctx, [d.name, ...d.args].join(" ")].filter(Boolean).join(" > ");
      out.push(...flatten(d.block, inner));
      out.push({ ctx, key: "}", line: d.endLine ?? d.line });
    }
  }
  return out;
}

/** The first place two directive sequences differ, by the edited side's line. */
export function firstDifference(
  edited: FlatItem[],
  rendered: FlatItem[],
): { line: number | null; rendered: FlatItem | null } | null {
  const n = Math.max(edited.length, rendered.length);
  for (let i = 0; i < n; i++) {
    const e = edited[i];
    const r = rendered[i];
    if (e && r && e.key === r.key && e.ctx === r.ctx) continue;
    return { line: e ? e.line : (edited.at(-1)?.line ?? null), rendered: r ?? null };
  }
  return null;
}

/** A failure to parse a file back, at a line of that file. */
export function absorbError(file: string, line: number | null, why: string, text?: string) {
  const src = line !== null && text !== undefined ? text.split("\n")[line - 1]?.trim() : undefined;
  const where = line !== null ? `${file}:${line}` : file;
  return new AgentError(
    "VALIDATION_FAILED",
    `${where}: ${src ? `cannot absorb "${src}": ` : ""}${why}`,
    { field: "path", file, line, ...(src ? { source: src } : {}) },
  );
}

export interface ParseBackInput {
  kind: string;
  name: string;
  /** File name inside the generation, for messages. */
  file: string;
  text: string;
  /** The record the file was rendered from (a sidecar), or null when none is known. */
  base: Rec | null;
  /** The whole state the file belongs to (for rendering with extensions). */
  state: Map<string, Rec>;
  ctx: RenderContext;
  extensions?: RenderExtension[];
}

const KINDS = new Set(["pool", "site"]);

/** Can files of this kind be parsed back into records? */
export function parsableKind(kind: string): boolean {
  return KINDS.has(kind);
}

/**
 * Parses a pool or site file back into the record's spec. Throws
 * VALIDATION_FAILED naming file:line for anything the model cannot express.
 */
export function parseBack(input: ParseBackInput): Record<string, unknown> & { name: string } {
  const { file, text } = input;
  let tree: Directive[];
  try {
    tree = parseNginx(text);
  } catch (e) {
    if (e instanceof NginxSyntaxError) {
      throw absorbError(file, e.line, `syntax error: ${e.message}`);
    }
    throw e;
  }
  const candidates = input.kind === "pool"
    ? [poolFromTree(input, tree)]
    : input.kind === "site"
    ? siteFromTree(input, tree)
    : (() => {
      throw absorbError(file, null, `files of ${input.kind} records cannot be parsed back`);
    })();
  const edited = flatten(tree);
  let firstMismatch: ReturnType<typeof firstDifference> = null;
  for (const spec of candidates) {
    const rendered = renderOne(input, spec);
    const diff = firstDifference(edited, flatten(parseNginx(rendered)));
    if (!diff) return spec;
    firstMismatch ??= diff;
  }
  const want = firstMismatch!.rendered;
  throw absorbError(
    file,
    firstMismatch!.line,
    want
      ? `the agent's model cannot express this (the record would render ${
        describeKey(want.key)
      } here${want.ctx ? ` in ${want.ctx}` : ""})`
      : "the agent's model cannot express this (the record renders nothing more here)",
    text,
  );
}

function describeKey(key: string): string {
  if (key === "}") return `"}"`;
  const end = key.endsWith("{") ? " {" : ";";
  const parts = JSON.parse(key.slice(0, -1)) as string[];
  return `"${parts.join(" ")}${end}"`;
}

function renderOne(
  input: ParseBackInput,
  spec: Record<string, unknown> & { name: string },
): string {
  const id = `${input.kind}/${input.name}`;
  const state = new Map(input.state);
  const base = input.base ?? state.get(id);
  state.set(id, {
    ...spec,
    version: base?.version ?? 1,
    created_at: base?.created_at ?? "",
    updated_at: base?.updated_at ?? "",
    ...(base?.managed_by ? { managed_by: base.managed_by } : {}),
  } as Rec);
  const files = renderTree(state, input.ctx, input.extensions ?? []);
  const f = files.find((x) => x.name === confFileName(input.kind, input.name));
  if (!f) throw absorbError(input.file, null, `the record does not render ${input.file}`);
  return f.text;
}

/** Maps a validation error on a field to the line that set it. */
function validated<T>(file: string, lineOf: (field: string) => number | null, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AgentError && e.code === "VALIDATION_FAILED") {
      const field = String(e.detail.field ?? "");
      const line = lineOf(field);
      throw new AgentError(
        "VALIDATION_FAILED",
        `${line !== null ? `${file}:${line}` : file}: ${e.message}`,
        { field: "path", file, line, record_field: field },
      );
    }
    throw e;
  }
}

// ---- pools -----------------------------------------------------------------

function poolFromTree(input: ParseBackInput, tree: Directive[]) {
  const { file, name, text } = input;
  const fail = (d: Directive, why: string) => absorbError(file, d.line, why, text);
  const ups = tree.filter((d) => d.name === "upstream");
  for (const d of tree) {
    if (d.name !== "upstream") {
      throw fail(d, "a pool file holds one upstream block and nothing else");
    }
  }
  if (ups.length !== 1) {
    throw absorbError(file, null, "a pool file holds exactly one upstream block");
  }
  const up = ups[0];
  if (up.args[0] !== upstreamName(name) || up.args.length !== 1) {
    throw fail(
      up,
      `the upstream must stay named ${upstreamName(name)} (pools are renamed through the API)`,
    );
  }
  const base = input.base ? specOf(input.base) as unknown as PoolSpec : null;
  let lb: PoolSpec["lb_method"] = "round_robin";
  let hashKey: string | undefined;
  let consistent = false;
  let keepalive = 0;
  const members: Record<string, unknown>[] = [];
  const serverLines: number[] = [];
  for (const d of up.block!) {
    switch (d.name) {
      case "least_conn":
      case "ip_hash":
        if (d.args.length) throw fail(d, `${d.name} takes no arguments`);
        lb = d.name;
        break;
      case "hash":
        if (d.args.length < 1 || d.args.length > 2 || (d.args[1] && d.args[1] !== "consistent")) {
          throw fail(d, "expected: hash KEY [consistent]");
        }
        lb = "hash";
        hashKey = d.args[0];
        consistent = d.args[1] === "consistent";
        break;
      case "keepalive":
        if (d.args.length !== 1 || !/^\d+$/.test(d.args[0])) throw fail(d, "expected: keepalive N");
        keepalive = Number(d.args[0]);
        break;
      case "server": {
        const [address, ...params] = d.args;
        if (!address) throw fail(d, "a server needs an address");
        const m: Record<string, unknown> = { address };
        for (const p of params) {
          const kv = /^(weight|max_fails|fail_timeout)=(.+)$/.exec(p);
          if (kv) m[kv[1]] = kv[1] === "fail_timeout" ? kv[2] : Number(kv[2]);
          else if (p === "backup" || p === "down") m[p] = true;
          else throw fail(d, `server parameter "${p}" is not modeled by the agent`);
        }
        members.push(m);
        serverLines.push(d.line);
        break;
      }
      default:
        throw fail(d, `"${d.name}" is not modeled by the agent in a pool`);
    }
  }
  // The placeholder an empty pool renders (nginx refuses an empty upstream).
  const placeholder = members.length === 1 && members[0].address === "127.0.0.1:9" &&
    members[0].down === true && Object.keys(members[0]).length === 2;
  const spec = {
    description: base?.description ?? "",
    lb_method: lb,
    ...(hashKey !== undefined ? { hash_key: hashKey } : {}),
    hash_consistent: consistent,
    keepalive,
    members: placeholder ? [] : members,
  };
  const pool = validated(file, (field) => {
    const m = /^members\[(\d+)\]/.exec(field);
    return m ? serverLines[Number(m[1])] ?? up.line : up.line;
  }, () => parsePool(name, spec));
  return { ...pool } as Record<string, unknown> & { name: string };
}

// ---- sites -----------------------------------------------------------------

interface ParsedListen {
  address?: string;
  port: number;
  ssl: boolean;
  http2: boolean;
  default_server: boolean;
}

function parseListen(d: Directive, fail: (d: Directive, why: string) => AgentError): ParsedListen {
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

const PROXY_BOILERPLATE = new Set([
  "X-Real-IP",
  "X-Forwarded-For",
  "X-Forwarded-Proto",
  "X-Forwarded-Host",
  "X-Forwarded-Port",
  "Connection",
]);

function ipRules(
  ds: Directive[],
  fail: (d: Directive, why: string) => AgentError,
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

function siteFromTree(input: ParseBackInput, tree: Directive[]) {
  const { file, name, text, ctx } = input;
  const fail = (d: Directive, why: string) => absorbError(file, d.line, why, text);
  for (const d of tree) {
    if (d.name !== "server" || !d.block) {
      throw fail(d, "a site file holds server blocks and nothing else");
    }
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
  for (const d of main.block!) {
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
        break; // rendered for every site; the comparison checks them
      case "allow":
      case "deny":
        ipDirectives.push(d);
        break;
      case "client_max_body_size":
        if (d.args.length !== 1) throw fail(d, "expected: client_max_body_size SIZE");
        maxBody = d.args[0];
        break;
      case "add_header":
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
        const loc = locationFrom(d);
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

  function locationFrom(d: Directive): { route: Route } | { defaultPool: string } | null {
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
    const defaultComment = d.comments.some((c) => /^default pool [a-z0-9-]+$/.test(c));
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
    const poolOf = (url: string) => /^http:\/\/sy_([a-z0-9][a-z0-9-]*)(\/?)$/.exec(url);
    const pm = proxyPass ? poolOf(proxyPass) : null;
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
  const out: (Record<string, unknown> & { name: string })[] = [];
  for (const o of options) {
    try {
      out.push(
        { ...validated(file, lineOf, () => parseSite(name, spec(o))) } as
          & Record<string, unknown>
          & { name: string },
      );
    } catch (e) {
      if (o === options.at(-1) && !out.length) throw e;
    }
  }
  return out;
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
