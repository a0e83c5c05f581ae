// Fuzz of raw blocks over the directive allowlist (issue 17): generated directive
// names (allowed, dangerous, unknown, disguised by quotes, case and escapes),
// arguments (paths, sockets, variables, quotes, braces) and nesting. Whatever is
// accepted is rendered, and the rendered file read back as nginx reads it: no
// directive outside the allowlist of its context appears, none with a path, and
// the site keeps exactly its own server block.
import assert from "node:assert/strict";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { AgentError } from "../../agent/errors.ts";
import { DEFAULT_ALLOW, takesPath } from "../../agent/model/extra-allow.ts";
import { featuresFor } from "../../agent/render/context.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import { renderTree } from "../../agent/render/tree.ts";
import { type Directive, parseNginx } from "../../agent/nginx/tokenizer.ts";
import type { Rec } from "../../agent/store/store.ts";
import { rng } from "../resilience/gen.ts";

const ALLOWED = [...new Set([...DEFAULT_ALLOW.server, ...DEFAULT_ALLOW.location])];
const DANGEROUS = [
  "access_log",
  "error_log",
  "client_body_temp_path",
  "proxy_temp_path",
  "dav_methods",
  "ssl_password_file",
  "auth_basic_user_file",
  "include",
  "load_module",
  "root",
  "alias",
  "proxy_store",
  "content_by_lua_block",
  "perl",
  "js_import",
  "server_name",
  "listen",
  "server",
  "upstream",
  "http",
  "events",
  "ssl_certificate",
  "ssl_certificate_key",
  "try_files",
  "env",
  "user",
  "daemon",
  "proxy_cache_path",
  "ssl_engine",
  "no_such_directive",
  "types",
  "map",
];
const ARGS = [
  "on",
  "off",
  "1",
  "10s",
  "8 16k",
  "/etc/shadow",
  "/etc/profile.d/x.sh",
  "unix:/run/x.sock",
  "http://unix:/run/x.sock:/",
  "engine:x",
  "$host",
  "${host}x",
  '"a b"',
  "'c;d'",
  '"}"',
  "'{'",
  "X-A",
  "text/css",
  "^/(.*)$",
  "/new",
  "200",
  "break",
  "a#b",
  'a"b',
  "\\;",
  "http://127.0.0.1:9",
];

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]) => xs[Math.floor(r() * xs.length)];

function disguise(r: R, name: string): string {
  switch (Math.floor(r() * 6)) {
    case 0:
      return `"${name}"`;
    case 1:
      return `'${name}'`;
    case 2:
      return name.toUpperCase();
    default:
      return name;
  }
}

function statement(r: R, depth: number): string {
  const name = disguise(r, r() < 0.5 ? pick(r, ALLOWED) : pick(r, DANGEROUS));
  const args = Array.from({ length: Math.floor(r() * 3) }, () => pick(r, ARGS)).join(" ");
  if (depth < 2 && r() < 0.15) {
    const head = r() < 0.5 ? `location /f${depth}/` : "if ($request_method = POST)";
    const body = Array.from({ length: 1 + Math.floor(r() * 3) }, () => statement(r, depth + 1));
    return `${head} {\n${body.join("\n")}\n}`;
  }
  return `${name}${args ? " " + args : ""};`;
}

function namesIn(ds: Directive[], out: { name: string; args: string[] }[] = []) {
  for (const d of ds) {
    out.push({ name: d.name, args: d.args });
    if (d.block) namesIn(d.block, out);
  }
  return out;
}

function render(site: unknown): Directive[] {
  const files = renderTree(new Map([["site/s", site as Rec]]), {
    http_port: 80,
    https_port: 443,
    bind_address: "127.0.0.1",
    acme_webroot: "/var/lib/acme",
    features: featuresFor("1.22.1"),
    templates: makeTemplates(),
  });
  return files.flatMap((f) => parseNginx(f.text));
}

const count = (ds: { name: string }[]) => {
  const m = new Map<string, number>();
  for (const d of ds) m.set(d.name, (m.get(d.name) ?? 0) + 1);
  return m;
};

Deno.test("fuzz: no directive outside the allowlist renders from a raw block", () => {
  const r = rng(17);
  const base = { server_names: ["a.example"], listen: [{ port: 8080 }] };
  const route = { name: "r", path: "/r/", upstream: "http://127.0.0.1:9" };
  const baselines = {
    route: count(namesIn(render(parseSite("s", { ...base, routes: [route] })))),
    block: count(namesIn(render(parseSite("s", base)))),
  };
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const text = Array.from({ length: 1 + Math.floor(r() * 3) }, () => statement(r, 0)).join("\n");
    const inRoute = r() < 0.5;
    const body = inRoute
      ? { ...base, routes: [{ ...route, extra: text }] }
      : { ...base, extra_blocks: [{ zone: pick(r, ["top", "proxy", "end"]), content: text }] };
    let site;
    try {
      site = parseSite("s", body);
    } catch (e) {
      if (!(e instanceof AgentError)) throw e;
      assert.equal(e.code, "VALIDATION_FAILED", e.message);
      assert.equal(e.detail.field, inRoute ? "routes[0].extra" : "extra_blocks[0].content");
      refused++;
      continue;
    }
    accepted++;
    const rendered = namesIn(render(site));
    const baseline = inRoute ? baselines.route : baselines.block;
    // Every directive the raw text added is on the allowlist, and none names a file.
    for (const [name, n] of count(rendered)) {
      if (n <= (baseline.get(name) ?? 0)) continue;
      assert.ok(ALLOWED.includes(name), `"${name}" rendered from ${JSON.stringify(text)}`);
      assert.ok(!takesPath(name), `path directive "${name}" from ${text}`);
    }
    assert.equal(count(rendered).get("server"), baseline.get("server"), text);
    for (const d of rendered) {
      for (const a of d.args) assert.ok(!/unix:|^engine:/i.test(a), `${a} in ${text}`);
    }
  }
  // The generator reaches both sides.
  assert.ok(accepted > 300, `accepted ${accepted}`);
  assert.ok(refused > 300, `refused ${refused}`);
});
