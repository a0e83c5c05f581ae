// Every route rule (paths per match kind, targets, upstream and redirect URLs,
// static files, durations, cross-field rules): a refusal naming the field, and
// an accepted twin. Routes sit at index 1 so the index in the field is checked.
import assert from "node:assert/strict";
import { parseRoute, parseSite } from "../../agent/kinds/site/schema.ts";
import { accepted, refused } from "./refuse.ts";

type Body = Record<string, unknown>;
const first = { name: "first", path: "/first/", pool: "web" };
const siteWith = (r: Body): Body => ({ server_names: ["a.example"], routes: [first, r] });
const route = (o: Body): Body => ({ name: "r", path: "/r/", pool: "web", ...o });
const ok = (o: Body) => accepted(() => parseSite("s", siteWith(route(o))));
const bad = (o: Body, field: string, message?: RegExp) =>
  refused(() => parseSite("s", siteWith(route(o))), `routes[1]${field}`, message);

Deno.test("route names are slugs, unique within the site; the URL name wins for the sub-resource", () => {
  ok({ name: "api-v2" });
  for (const n of ["Api", "api_v2", "", "a".repeat(64), "a b"]) bad({ name: n }, ".name");
  bad({ name: undefined }, ".name");
  bad({ name: "first", path: "/other/" }, ".name", /duplicate/);
  assert.equal(accepted(() => parseRoute("api", { path: "/api/", pool: "web" })).name, "api");
  refused(() => parseRoute("api", { name: "other", path: "/api/", pool: "web" }), "name", /match/);
  // The sub-resource (PUT /api/sites/s/routes/{route}): the URL name is "name", the rest
  // is named where the route will sit in the site.
  refused(() => parseRoute("API", { path: "/api/", pool: "web" }), "name", /slug/);
  refused(() => parseRoute("api", { path: "api", pool: "web" }, 3), "routes[3].path");
  refused(() => parseRoute("api", { path: 5, pool: "web" }, 3), "routes[3].path");
  refused(() => parseRoute("api", { path: "/a/", pool: "Web" }, 2), "routes[2].pool");
  refused(() => parseRoute("api", { path: "/a/", pool: "w", x: 1 }, 2), "routes[2].x", /unknown/);
  refused(() => parseRoute("api", "x", 2), "routes[2]");
});

Deno.test("prefix and exact paths: a URI path with no nginx syntax", () => {
  for (const match of ["prefix", "exact"]) {
    for (
      const p of [
        "/",
        "/api/",
        "/a-b_c.d~e/",
        "/%20x/",
        "/v1/users(1)/",
        "/@me/",
        "/a:b/",
        "/a=b,c+d*!/",
        "/" + "a".repeat(1022) + "/",
      ]
    ) {
      ok({ path: p, match });
    }
    for (
      const p of [
        "api/",
        "",
        "/a b/",
        "/a\tb/",
        "/a\nb/",
        "/a;b/",
        "/a{b/",
        "/a}b/",
        '/a"b/',
        "/a'b/",
        "/a$b/",
        "/$uri/",
        "/a#b/",
        "/a\\b/",
        "/a`b/",
        "/a?b/",
        "/a<b>/",
        "/é/",
        "/" + "a".repeat(1024),
      ]
    ) {
      bad({ path: p, match }, ".path");
    }
  }
  bad({ path: 5 }, ".path");
  bad({ match: "glob" }, ".match");
  bad({ match: "exact ", path: "/x" }, ".match");
});

Deno.test("regex paths: a valid expression, `$` only as the final anchor, no nginx syntax", () => {
  for (
    const p of [
      "^/api/(v1|v2)/",
      "\\.php$",
      "^/r/[0-9]+$",
      "^/(?<user>[a-z]+)/profile",
    ]
  ) {
    ok({ path: p, match: "regex" });
  }
  for (
    const [p, why] of [
      ["^/a$b", /final end anchor/],
      ["^/a$/b$", /final end anchor/],
      ["$^", /final end anchor/],
      ["^/a{2}", /'\{'/],
      ["^/a;", /';'/],
      ['^/"a"', /quotes/],
      ["^/'a'", /quotes/],
      ["^/a b", /whitespace/],
      ["^/a\tb", /whitespace/],
      ["^/a\nb", /whitespace/],
      ["^/a#b", /'#'/],
      ["^/a`b", /quotes/],
      ["^/a\\", /backslash/],
      ["^/a\\$", /backslash/],
      ["^/(a", /not a valid regular expression/],
      ["[", /not a valid regular expression/],
      ["", /1-1024/],
      ["x".repeat(1025), /1024/],
    ] as [string, RegExp][]
  ) {
    bad({ path: p, match: "regex" }, ".path", why);
  }
});

Deno.test("targets: exactly one of pool, upstream, redirect, static", () => {
  bad({ pool: undefined }, "", /needs a target/);
  bad({ upstream: "http://10.0.0.1" }, "", /several targets \(pool, upstream\)/);
  bad({ pool: undefined, redirect: { url: "/x" }, static: { root: "/srv" } }, "", /several/);
  for (const p of ["Web", "web pool", "web;", ""]) bad({ pool: p }, ".pool");
  ok({ pool: undefined, upstream: "http://10.0.0.1" });
  ok({ pool: undefined, redirect: { url: "/x" } });
  ok({ pool: undefined, static: { root: "/srv/www" } });
});

Deno.test("upstream URLs: http(s)://host[:port][/path] and nothing else", () => {
  const up = (u: unknown) => ({ pool: undefined, upstream: u });
  for (
    const u of [
      "http://10.0.0.1",
      "http://10.0.0.1:8080/app/",
      "https://api.example.com",
      "https://API.example.com:443/v1",
      "http://[::1]:8080",
      "http://localhost/",
    ]
  ) {
    ok(up(u));
  }
  for (
    const u of [
      "ftp://10.0.0.1",
      "http://",
      "http:/10.0.0.1",
      "10.0.0.1:80",
      "http://a b",
      "http://a;b",
      "http://h:99999",
      "http://h:0",
      "http://h:x",
      "http://h/p;x",
      "http://h/p$x",
      "http://h/$request_uri",
      "http://h/p{",
      "http://h/p x",
      "http://h/p'",
      'http://h/p"',
      "http://[zz::1]:80",
      "http://user@h",
      "http://h?x=1",
      "http://h#x",
      "http://$host",
      "http://sy_web",
      "unix:/run/a.sock",
      "",
    ]
  ) {
    bad(up(u), ".upstream");
  }
  // A regex location cannot carry a URI in proxy_pass.
  bad(
    { pool: undefined, upstream: "http://10.0.0.1/x/", match: "regex", path: "^/x" },
    ".upstream",
  );
  ok({ pool: undefined, upstream: "http://10.0.0.1", match: "regex", path: "^/x" });
  ok({ ...up("http://10.0.0.1"), preserve_host: false });
  bad({ ...up("http://10.0.0.1"), preserve_host: "no" }, ".preserve_host");
});

Deno.test("redirects: absolute http(s) URL or a path; only a few $variables; codes 301-308", () => {
  const rd = (url: unknown, code?: unknown) => ({
    pool: undefined,
    redirect: code === undefined ? { url } : { url, code },
  });
  for (
    const u of [
      "/new",
      "https://new.example.com$request_uri",
      "https://$host/moved$is_args$args",
      "https://new.example.com$uri",
      "http://$server_name:$server_port/x",
      "$scheme://$host/x".replace("$scheme", "https"),
      "https://new.example.com/a(b)?q=1&r=2",
    ]
  ) {
    ok(rd(u));
  }
  for (
    const [u, why] of [
      ["https://x/$http_cookie", /may use only the variables/],
      ["https://x/$request_urix", /may use only/],
      ["https://x/${request_uri}", /may use only/],
      ["https://x/$1", /may use only/],
      ["https://x/$", /may use only/],
      ["https://x/$remote_addr", /may use only/],
      ["https://x/a b", /whitespace/],
      ["https://x/a;b", /';'/],
      ["https://x/a{b}", /'\{'/],
      ['https://x/"a"', /quotes/],
      ["https://x/'a'", /quotes/],
      ["https://x/#top", /'#'/],
      ["https://x/a\\b", /backslash/],
      ["https://x/a\nb", /whitespace/],
      ["https://x/a\x01b", /printable ASCII/],
      ["/a\x7fb", /printable ASCII/],
      ["https://bücher.example/", /printable ASCII/],
      ["javascript:alert(1)", /absolute/],
      ["new.example.com", /absolute/],
      ["https://" + "x".repeat(2048), /2048/],
    ] as [string, RegExp][]
  ) {
    bad(rd(u), ".redirect.url", why);
  }
  for (const c of [301, 302, 303, 307, 308]) ok(rd("/x", c));
  for (const c of [300, 304, 200, 404, "301", null]) bad(rd("/x", c), ".redirect.code");
  bad({ pool: undefined, redirect: { url: "/x", keep_query: true } }, ".redirect.keep_query");
  bad({ pool: undefined, redirect: "/x" }, ".redirect");
});

Deno.test("static: an absolute root, index file names, autoindex", () => {
  const st = (s: Body) => ({ pool: undefined, static: s });
  ok(st({ root: "/srv/www", index: ["index.html", "default.htm"], autoindex: true }));
  ok(st({ root: "/" }));
  for (
    const r of [
      "srv/www",
      "/srv/a b",
      "/srv/a;b",
      "/srv/../etc",
      "/srv/$host",
      "/srv/{a}",
      "",
      "~/x",
    ]
  ) {
    bad(st({ root: r }), ".static.root");
  }
  for (const i of ["a b.html", "../x.html", "a/b.html", "a;b", "", "$uri"]) {
    bad(st({ root: "/srv", index: [i] }), ".static.index[0]");
  }
  bad(
    st({ root: "/srv", index: Array.from({ length: 17 }, (_, i) => `i${i}.html`) }),
    ".static.index",
  );
  bad(st({ root: "/srv", index: [] }), ".static.index");
  bad(st({ root: "/srv", autoindex: "on" }), ".static.autoindex");
  bad(st({ root: "/srv", try_files: "$uri" }), ".static.try_files", /unknown/);
  bad(st({}), ".static.root");
});

Deno.test("timeouts are durations; booleans are booleans; unknown route fields are refused", () => {
  for (const f of ["connect_timeout", "read_timeout", "send_timeout"]) {
    for (const d of ["5s", "500ms", "2m", "1h", "60"]) ok({ [f]: d });
    for (const d of ["5 s", "5sec", "1y", "-1s", "5s;", "", 5]) bad({ [f]: d }, `.${f}`);
  }
  for (const f of ["strip_prefix", "websocket", "preserve_host"]) bad({ [f]: "true" }, `.${f}`);
  bad({ colour: "red" }, ".colour", /unknown field/);
  bad({ ip_rules: { mode: "deny", addresses: ["10.0.0.1;"] } }, ".ip_rules.addresses[0]");
  ok({ ip_rules: { mode: "deny", addresses: ["10.0.0.1"] } });
});

Deno.test("route cross-field rules: strip_prefix, websocket, duplicate paths, the ACME path", () => {
  ok({ strip_prefix: true });
  ok({ strip_prefix: true, path: "/hook", match: "exact" });
  ok({ strip_prefix: true, path: "/" });
  bad({ strip_prefix: true, path: "^/x", match: "regex" }, ".strip_prefix", /prefix or exact/);
  bad({ strip_prefix: true, path: "/api" }, ".path", /end with '\/'/);
  bad(
    { strip_prefix: true, pool: undefined, redirect: { url: "/x" } },
    ".strip_prefix",
    /redirects/,
  );
  bad(
    { strip_prefix: true, pool: undefined, upstream: "http://10.0.0.1/base/" },
    ".strip_prefix",
    /has a path/,
  );
  ok({ strip_prefix: true, pool: undefined, upstream: "http://10.0.0.1" });
  ok({ strip_prefix: true, pool: undefined, upstream: "http://10.0.0.1/" });
  ok({ strip_prefix: true, pool: undefined, static: { root: "/srv/www" } });

  ok({ websocket: true });
  ok({ websocket: true, pool: undefined, upstream: "http://10.0.0.1" });
  bad(
    { websocket: true, pool: undefined, redirect: { url: "/x" } },
    ".websocket",
    /pool or upstream/,
  );
  bad({ websocket: true, pool: undefined, static: { root: "/srv" } }, ".websocket");

  // Two routes may not match the same location; the same path with another match kind may.
  bad({ path: "/first/" }, ".path", /another route already matches prefix \/first\//);
  ok({ path: "/first/", match: "exact" });
  bad({ path: "/.well-known/acme-challenge/" }, ".path", /reserved/);
  ok({ path: "/.well-known/acme-challenge/x", match: "exact" });

  const many = Array.from(
    { length: 2001 },
    (_, i) => ({ name: `r${i}`, path: `/r${i}/`, pool: "w" }),
  );
  refused(() => parseSite("s", { routes: many }), "routes");
  accepted(() => parseSite("s", { routes: many.slice(0, 2000) }));
});
