// Raw directives (site extra_blocks, route extra): banned directives, escapes
// from the enclosing block, quotes, control characters. The tokenizer must read
// the text as nginx does; the last test proves with the real nginx that each
// disguised `include` would have been executed had it been accepted.
import assert from "node:assert/strict";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { RealExec } from "../../agent/exec.ts";
import { featuresFor } from "../../agent/render/context.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import { renderTree } from "../../agent/render/tree.ts";
import type { Rec } from "../../agent/store/store.ts";
import { accepted, refused } from "./refuse.ts";

type Body = Record<string, unknown>;
const zoned = (content: unknown, zone = "top"): Body => ({
  server_names: ["a.example"],
  extra_blocks: [{ zone: "proxy", content: "gzip on;" }, { zone, content }],
});
const inRoute = (extra: unknown): Body => ({
  server_names: ["a.example"],
  routes: [{ name: "r", path: "/r/", pool: "web", extra }],
});
const ok = (content: string) => {
  accepted(() => parseSite("s", zoned(content)));
  accepted(() => parseSite("s", inRoute(content)));
};
const bad = (content: string, message?: RegExp) => {
  refused(() => parseSite("s", zoned(content)), "extra_blocks[1].content", message);
  refused(() => parseSite("s", inRoute(content)), "routes[0].extra", message);
};

const BANNED = [
  "load_module modules/ngx_evil.so;",
  "include /etc/shadow;",
  "ssl_engine pkcs11;",
  "env LD_PRELOAD=/tmp/x.so;",
  "daemon off;",
  "user root;",
  "content_by_lua_block { os.execute('id') }",
  "access_by_lua_file /tmp/x.lua;",
  "set_by_lua $x 'return 1';",
  "rewrite_by_lua_block { }",
  "lua_package_path '/tmp/?.lua';",
  "lua_shared_dict d 1m;",
  "js_import /tmp/x.js;",
  "js_content x.y;",
  "js_set $x x.y;",
  "perl Evil::handler;",
  "perl_modules /tmp;",
  "perl_require x.pm;",
  "perl_set $x 'sub { 1 }';",
];

Deno.test("every banned directive is refused, wherever and however it is written", () => {
  for (const d of BANNED) {
    const name = d.split(/[ ;]/)[0];
    const why = new RegExp(`directive "${name}" is not allowed`, "i");
    bad(d, why);
    bad(`gzip on;\n${d}`, why); // not the first statement
    bad(`location /x {\n    ${d}\n}`, why); // nested in a block
    bad(`# a comment\n${d}`, why);
    bad(d.replace(name, `"${name}"`), why); // a quoted directive name is still the directive
    bad(d.replace(name, `'${name}'`), why);
    bad(d.replace(name, name.toUpperCase()), why);
    bad(`if ($x) { ${d} }`, why);
  }
  // Names that only look alike are ordinary directives.
  ok("add_header X-Include include;");
  ok('return 200 "load_module";');
  ok("set $user_agent $http_user_agent;");
  ok("# include /etc/shadow;\ngzip on;");
});

Deno.test("text that nginx would read as a directive the check cannot see is refused", () => {
  // nginx opens a quote or a comment only at the start of a word; `\` escapes anywhere.
  bad('add_header X a"; include /etc/shadow; add_header Y b";', /"include"/);
  bad("add_header X a#; include /etc/shadow;\n;", /"include"/);
  bad("add_header X a'; include /etc/shadow; add_header Y b';", /"include"/);
  bad('add_header X a\\"; include /etc/shadow; add_header Y "b";', /"include"/);
  bad("add_header X a\\\ninclude /etc/shadow;", /backslash must not escape a line break/);
  // What looks like a quote or comment mid-word is part of the word for nginx too.
  ok('add_header X a"b;');
  ok("add_header X a#b;");
  ok('add_header X "a#b; c";');
  ok("add_header X 'a\"b';");
});

Deno.test("raw directives cannot close or open the enclosing block", () => {
  for (
    const c of [
      "}",
      "} server {",
      "}\nserver { listen 81;",
      "} server { listen 81; }\nserver {",
      "location / { }\n}",
      "gzip on; }",
      "return 200 ${;\n}",
      "location / {",
      "if ($a) { location / {",
      "a {",
    ]
  ) {
    bad(c, /block|unclosed|'\}'|is not allowed in/);
  }
  bad("gzip on }", /unexpected "\}"/);
  bad("{ gzip on; }", /unexpected "\{"/);
  bad(";", /unexpected ";"/);
  ok("location /x/ {\n    if ($request_method = POST) {\n        return 405;\n    }\n}");
  ok('set $x "${host}-a";');
  ok('return 200 "}";');
  ok("return 200 '{';");
  ok("add_header X a}b;");
});

Deno.test("quotes must close, directives must end, no control characters, at most 64 KiB", () => {
  bad('add_header X "a;', /unterminated quote/);
  bad("add_header X 'a;", /unterminated quote/);
  bad('add_header X "a"b;', /after a quoted string/);
  bad("gzip on", /not terminated/);
  bad("gzip on;\ngzip_types text/css", /line 2: last directive is not terminated/);
  bad("add_header X a\\", /backslash must not escape a line break/);
  for (const c of ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f"]) {
    bad(`add_header X a${c}b;`, /control characters/);
  }
  ok("gzip\ton;\r\ngzip_types text/css;\r\n");
  ok(`add_header X "${"a".repeat(65000)}";`);
  bad(`add_header X "${"a".repeat(65536)}";`);
  refused(() => parseSite("s", zoned(5)), "extra_blocks[1].content");
  refused(() => parseSite("s", inRoute(["gzip on;"])), "routes[0].extra");
});

Deno.test("key files cannot be OpenSSL engines, variables or paths", () => {
  for (
    const d of ["ssl_certificate_key", "proxy_ssl_certificate_key", "grpc_ssl_certificate_key"]
  ) {
    bad(`${d} engine:/tmp/evil.so:key;`, new RegExp(`"${d}"`));
    bad(`${d} "ENGINE:pkcs11:id";`, new RegExp(`"${d}"`));
    bad(`${d} $key_file;`, new RegExp(`"${d}"`));
    bad(`${d} /etc/ssl/private/client.key;`, new RegExp(`"${d}"`));
  }
});

// Issue 17 item 1: each of these was accepted by the denylist and gives a root file write or read.
const ROOT_FILE_WRITES = [
  "access_log /etc/profile.d/x.sh;",
  "error_log /etc/profile.d/x.sh;",
  "access_log /etc/profile.d/x.sh combined;",
  "client_body_temp_path /etc;",
  "proxy_temp_path /root;",
  "fastcgi_temp_path /etc/ssh;",
  "dav_methods PUT;",
  "ssl_password_file /etc/shadow;",
  "auth_basic_user_file /etc/shadow;",
  "proxy_store on;",
  "root /;",
  "alias /etc/;",
  "proxy_pass http://unix:/run/docker.sock:/;",
  "proxy_cache_path /tmp/c keys_zone=z:1m;",
  "ssl_dhparam /etc/shadow;",
  "ssl_trusted_certificate /etc/shadow;",
];

Deno.test("directives that write or read root files are refused, naming the directive", () => {
  for (const d of ROOT_FILE_WRITES) {
    const name = d.split(/[ ;]/)[0];
    const e1 = refused(() => parseSite("s", zoned(d)), "extra_blocks[1].content", /directive|"/);
    assert.match(e1.message, new RegExp(`"${name}"`), e1.message);
    assert.equal(e1.detail.directive, name, e1.message);
    const e2 = refused(() => parseSite("s", inRoute(d)), "routes[0].extra");
    assert.equal(e2.detail.directive, name, e2.message);
    bad(`location /x/ {\n    ${d}\n}`, new RegExp(`"${name}"`));
    bad(`if ($x) { ${d} }`, new RegExp(`"${name}"`));
  }
  // Unknown names are refused too: the list says what is allowed.
  bad(
    "no_such_directive on;",
    /directive "no_such_directive" is not allowed in (server|location) context/,
  );
  bad("Gzip on;", /directive "Gzip" is not allowed/);
});

Deno.test("server_name and listen are refused in raw blocks (they are claimed fields)", () => {
  bad("server_name base.test;", /directive "server_name" is not allowed in raw blocks/);
  bad("listen 8080;", /directive "listen" is not allowed in raw blocks/);
  bad("location / {\n    server_name base.test;\n}", /"server_name"/);
});

Deno.test("a host extends the allowlist by setting, never with a path or a banned name", () => {
  const host = { raw_directives_allow: "access_log, dav_methods load_module" };
  const site = (content: string) => ({
    server_names: ["a.example"],
    extra_blocks: [{ zone: "top", content }],
  });
  accepted(() => parseSite("s", site("dav_methods PUT;"), host));
  accepted(() => parseSite("s", site("access_log off;"), host));
  refused(
    () => parseSite("s", site("access_log /etc/profile.d/x.sh;"), host),
    "extra_blocks[0].content",
    /paths are not allowed/,
  );
  refused(
    () => parseSite("s", site("load_module x.so;"), host),
    "extra_blocks[0].content",
    /"load_module" is not allowed/,
  );
  refused(
    () => parseSite("s", site("dav_methods PUT;")),
    "extra_blocks[0].content",
    /raw_directives_allow/,
  );
  // The API body cannot carry it: the setting is read from the host's settings only.
  refused(
    () => parseSite("s", { ...site("dav_methods PUT;"), raw_directives_allow: "dav_methods" }),
    "raw_directives_allow",
  );
});

Deno.test("extra_blocks: zones and count", () => {
  for (const zone of ["top", "ssl", "proxy", "end"]) {
    accepted(() => parseSite("s", zoned("gzip on;", zone)));
  }
  refused(() => parseSite("s", zoned("gzip on;", "bottom")), "extra_blocks[1].zone");
  refused(
    () => parseSite("s", { extra_blocks: [{ zone: "top", content: "gzip on;", at: 1 }] }),
    "extra_blocks[0].at",
  );
  refused(() => parseSite("s", { extra_blocks: [{ zone: "top" }] }), "extra_blocks[0].content");
  const many = Array.from({ length: 65 }, () => ({ zone: "top", content: "gzip on;" }));
  refused(() => parseSite("s", { extra_blocks: many }), "extra_blocks");
  accepted(() => parseSite("s", { extra_blocks: many.slice(0, 64) }));
});

Deno.test("the real nginx executes each disguised include the old check let through", async () => {
  const exec = new RealExec();
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-extra-" });
  try {
    for (const d of ["conf.d", "logs", "tmp"]) await Deno.mkdir(`${dir}/${d}`);
    const marker = `${dir}/marker.conf`;
    await Deno.writeTextFile(marker, "switchyard_included_marker on;\n");
    await Deno.writeTextFile(
      `${dir}/nginx.conf`,
      "pid logs/nginx.pid;\nerror_log logs/error.log;\nevents {}\n" +
        "http {\n access_log off;\n client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;\n" +
        " fastcgi_temp_path tmp/f; uwsgi_temp_path tmp/u; scgi_temp_path tmp/s;\n" +
        " include conf.d/*.conf;\n}\n",
    );
    const disguised = [
      `"include" ${marker};`,
      `add_header X a"; include ${marker}; add_header Y b";`,
      `add_header X a#; include ${marker};\n;`,
    ];
    for (const content of disguised) {
      // The validated record with the content put in afterwards, as if it had been accepted.
      const site = parseSite("s", { server_names: ["a.example"], listen: [{ port: 1 }] });
      site.extra_blocks = [{ zone: "top", content }];
      const files = renderTree(new Map([["site/s", site as unknown as Rec]]), {
        http_port: 80,
        https_port: 443,
        bind_address: "127.0.0.1",
        acme_webroot: `${dir}/acme`,
        features: featuresFor("1.22.1"),
        templates: makeTemplates(),
      });
      for (const f of files) await Deno.writeTextFile(`${dir}/conf.d/${f.name}`, f.text);
      const r = await exec.run(["nginx", "-p", `${dir}/`, "-c", "nginx.conf", "-t"], {
        timeoutMs: 20_000,
      });
      assert.match(
        r.stderr,
        /unknown directive "switchyard_included_marker"/,
        `nginx did not include the file for ${JSON.stringify(content)}:\n${r.stderr}`,
      );
      refused(
        () =>
          parseSite("s", { server_names: ["a.example"], extra_blocks: [{ zone: "top", content }] }),
        "extra_blocks[0].content",
        /"include" is not allowed/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
