// Identical pools share one upstream (render/upstreams.ts, pure): one block in the
// first pool's file, every proxy_pass naming it, a changed pool on its own again,
// the exclusions (Lua-balanced, nanio, $proxy_host routes, raw sy_<pool> names,
// an overridden template, the setting off), ejections, and parse-back.
import assert from "node:assert/strict";
import { parsePool } from "../../agent/kinds/pool/schema.ts";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { parseBackRecord } from "../../agent/nginx/parse-back.ts";
import { coreKinds } from "../../agent/runtime.ts";
import { type RenderedFile, renderTree } from "../../agent/render/tree.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import type { RenderContext } from "../../agent/render/context.ts";
import type { Rec } from "../../agent/store/store.ts";
import { ejectionExtension } from "../../agent/features/health/ejection.ts";
import { contextFor } from "./golden.ts";

const ctx: RenderContext = { ...contextFor({ description: "" }), share_upstreams: true };
const meta = { version: 1, created_at: "", updated_at: "" };
const M = [{ address: "127.0.0.1:8081" }, { address: "127.0.0.1:8082", weight: 2 }];

function state(
  pools: Record<string, Record<string, unknown>>,
  sites: Record<string, Record<string, unknown>> = {},
  extra: [string, Rec][] = [],
): Map<string, Rec> {
  const m = new Map<string, Rec>(extra);
  for (const [n, b] of Object.entries(pools)) {
    m.set(`pool/${n}`, { ...parsePool(n, b), ...meta } as unknown as Rec);
  }
  for (const [n, b] of Object.entries(sites)) {
    m.set(`site/${n}`, { ...parseSite(n, b), ...meta } as unknown as Rec);
  }
  return m;
}

const siteOn = (pool: string, more: Record<string, unknown> = {}) => ({
  server_names: [`${pool}.test`],
  default_pool: pool,
  ...more,
});
const file = (files: RenderedFile[], name: string) => files.find((f) => f.name === name)!.text;
const upstreams = (files: RenderedFile[]) =>
  files.flatMap((f) => [...f.text.matchAll(/^upstream (\S+) \{/gm)].map((m) => m[1]));
const passes = (text: string) =>
  [...text.matchAll(/proxy_pass http:\/\/([^;/]+)/g)].map((m) => m[1]);

Deno.test("two identical pools: one upstream in the first pool's file, named by both sites", () => {
  const files = renderTree(
    state({ b: { members: M }, a: { members: M } }, { sa: siteOn("a"), sb: siteOn("b") }),
    ctx,
  );
  const ups = upstreams(files);
  assert.equal(ups.length, 1);
  assert.match(ups[0], /^sy_shared_[0-9a-f]{12}$/);
  assert.match(file(files, "pool-a.conf"), new RegExp(`upstream ${ups[0]} \\{`));
  assert.match(file(files, "pool-a.conf"), /# Shared by the identical pools a, b\./);
  assert.match(file(files, "pool-a.conf"), /server 127\.0\.0\.1:8082 weight=2;/);
  const b = file(files, "pool-b.conf");
  assert.doesNotMatch(b, /^upstream/m);
  assert.match(b, new RegExp(`served by the shared upstream ${ups[0]} \\(in pool-a\\.conf\\)`));
  assert.deepEqual(passes(file(files, "site-sa.conf")), [ups[0]]);
  assert.deepEqual(passes(file(files, "site-sb.conf")), [ups[0]]);
});

Deno.test("a changed pool gets its own upstream again; the name follows the body", () => {
  const before = renderTree(state({ a: { members: M }, b: { members: M } }), ctx);
  const changed = renderTree(
    state({ a: { members: M }, b: { members: [...M, { address: "127.0.0.1:8083" }] } }, {
      sb: siteOn("b"),
      sa: siteOn("a"),
    }),
    ctx,
  );
  assert.deepEqual(upstreams(changed).sort(), ["sy_a", "sy_b"]);
  assert.deepEqual(passes(file(changed, "site-sa.conf")), ["sy_a"]);
  assert.deepEqual(passes(file(changed, "site-sb.conf")), ["sy_b"]);
  // Three pools, two bodies: the pair shares, the third is on its own; the shared name is
  // the body's (the same whichever pools hold it).
  const three = renderTree(
    state({ a: { members: M }, b: { members: [] }, c: { members: M } }),
    ctx,
  );
  assert.deepEqual(upstreams(three).sort(), [upstreams(before)[0], "sy_b"].sort());
  assert.match(file(three, "pool-c.conf"), /Identical to pool a/);
  // Every directive counts: keepalive, the method.
  for (const other of [{ keepalive: 0 }, { lb_method: "least_conn" }]) {
    const f = renderTree(state({ a: { members: M }, b: { members: M, ...other } }), ctx);
    assert.deepEqual(upstreams(f).sort(), ["sy_a", "sy_b"], JSON.stringify(other));
  }
});

Deno.test("pools of different tenants never share", () => {
  const files = renderTree(
    state({ "t1__a": { members: M }, "t1__b": { members: M }, "t2__a": { members: M } }),
    ctx,
  );
  const ups = upstreams(files);
  assert.equal(ups.length, 2);
  assert.ok(ups.includes("sy_t2__a"));
  assert.match(file(files, "pool-t1__b.conf"), /Identical to pool t1__a/);
});

Deno.test("an ejection (down in one pool) makes the pools differ", () => {
  const ej = {
    name: "b",
    members: [{ address: "127.0.0.1:8081", since: "x", reason: "r" }],
    ...meta,
  } as unknown as Rec;
  const files = renderTree(
    state({ a: { members: M }, b: { members: M } }, {}, [["ejection/b", ej]]),
    ctx,
    [ejectionExtension],
  );
  assert.deepEqual(upstreams(files).sort(), ["sy_a", "sy_b"]);
  assert.match(file(files, "pool-b.conf"), /server 127\.0\.0\.1:8081 down;/);
  assert.doesNotMatch(file(files, "pool-a.conf"), /down/);
});

Deno.test("not shared: the setting off, Lua-balanced pools, nanio pools, $proxy_host routes, raw names, an overridden template", () => {
  const two = state({ a: { members: M }, b: { members: M } });
  assert.deepEqual(upstreams(renderTree(two, { ...ctx, share_upstreams: false })), [
    "sy_a",
    "sy_b",
  ]);
  assert.deepEqual(upstreams(renderTree(two, { ...ctx, share_upstreams: undefined })), [
    "sy_a",
    "sy_b",
  ]);
  // Lua-balanced pools keep their own upstream (their members live in nginx's memory under
  // the pool's name); pools the balancer does not serve (least_conn) still share.
  const lua = { ...ctx, lua_upstreams: { port: 8199, seed_file: "/x" } };
  assert.deepEqual(upstreams(renderTree(two, lua)), ["sy_a", "sy_b"]);
  const lc = state({
    a: { members: M, lb_method: "least_conn" },
    b: { members: M, lb_method: "least_conn" },
  });
  assert.equal(upstreams(renderTree(lc, lua)).length, 1);
  const nanio = { type: "nanio", members: [{ address: "10.0.0.5:9000" }] };
  assert.deepEqual(upstreams(renderTree(state({ a: nanio, b: nanio }), ctx)), ["sy_a", "sy_b"]);
  // A route sending Host: $proxy_host shows the backend the upstream's name: b keeps its own.
  const hostRoute = {
    server_names: ["h.test"],
    routes: [{ name: "r", path: "/x/", pool: "b", preserve_host: false }],
  };
  const pinned = renderTree(
    state({ a: { members: M }, b: { members: M }, c: { members: M } }, { h: hostRoute }),
    ctx,
  );
  assert.equal(upstreams(pinned).length, 2);
  assert.ok(upstreams(pinned).includes("sy_b"));
  assert.deepEqual(passes(file(pinned, "site-h.conf")), ["sy_b"]);
  // The operator's raw directives name sy_a: a keeps its own.
  const raw = {
    server_names: ["r.test"],
    extra_blocks: [{ zone: "end", content: "location /raw/ { proxy_pass http://sy_a; }" }],
  };
  const named = renderTree(state({ a: { members: M }, b: { members: M } }, { r: raw }), ctx);
  assert.deepEqual(upstreams(named), ["sy_a", "sy_b"]);
  const over = {
    ...ctx,
    templates: makeTemplates({ "upstream.conf.eta": "upstream <%= it.upstream %> {}\n" }),
  };
  assert.deepEqual(upstreams(renderTree(two, over)), ["sy_a", "sy_b"]);
});

const kinds = coreKinds();
const back = (st: Map<string, Rec>, kind: string, name: string, text: string) =>
  parseBackRecord(kinds, {
    kind,
    name,
    file: `${kind}-${name}.conf`,
    text,
    base: st.get(`${kind}/${name}`) ?? null,
    state: st,
    ctx,
  });

Deno.test("parse-back: shared files read back as their records; an edited holder absorbs", () => {
  const st = state({ a: { members: M }, b: { members: M } }, {
    sa: siteOn("a"),
    sb: siteOn("b", { routes: [{ name: "api", path: "/api/", pool: "b", strip_prefix: true }] }),
  });
  const files = renderTree(st, ctx);
  const rec = (id: string) => {
    const { version: _v, created_at: _c, updated_at: _u, ...spec } = st.get(id)! as Rec;
    return spec;
  };
  for (const [kind, name] of [["pool", "a"], ["pool", "b"], ["site", "sa"], ["site", "sb"]]) {
    const got = back(st, kind, name, file(files, `${kind}-${name}.conf`));
    assert.deepEqual(got, rec(`${kind}/${name}`), `${kind}/${name}`);
  }
  // Without a sidecar, a site naming the shared upstream reads as its first pool.
  const alone = parseBackRecord(kinds, {
    kind: "site",
    name: "sb",
    file: "site-sb.conf",
    text: file(files, "site-sb.conf"),
    base: null,
    state: st,
    ctx,
  }) as unknown as { default_pool: string };
  assert.equal(alone.default_pool, "a");
  // An operator's member edit in the holder's file: pool a takes it (b keeps its members).
  const edited = file(files, "pool-a.conf").replace(
    "server 127.0.0.1:8082 weight=2;",
    "server 127.0.0.1:8082 weight=5;",
  );
  const a = back(st, "pool", "a", edited) as unknown as { members: { weight: number }[] };
  assert.equal(a.members[1].weight, 5);
  // A site's hand-written `proxy_pass http://sy_b` for a shared pool absorbs as pool b.
  const own = file(files, "site-sb.conf").replace(
    /proxy_pass http:\/\/sy_shared_[0-9a-f]{12}\/;/,
    "proxy_pass http://sy_b/;",
  );
  assert.notEqual(own, file(files, "site-sb.conf"));
  const sb = back(st, "site", "sb", own) as unknown as { routes: { pool: string }[] };
  assert.equal(sb.routes[0].pool, "b");
});
