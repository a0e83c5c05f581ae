// Every site rule (names, server names, listen, tls, ip_rules, sizes, headers,
// cross-field rules): a refusal naming the field, and an accepted twin.
import assert from "node:assert/strict";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { accepted, refused } from "./refuse.ts";

type Body = Record<string, unknown>;
const site = (o: Body = {}): Body => ({ server_names: ["app.example.com"], ...o });
const tls = { certificate: "/etc/ssl/app.pem", key: "/etc/ssl/app.key" };
const ok = (o: Body) => accepted(() => parseSite("s", site(o)));
const bad = (o: Body, field: string, message?: RegExp) =>
  refused(() => parseSite("s", site(o)), field, message);

Deno.test("site names are slugs (URL and body must agree)", () => {
  for (const n of ["app", "a-1", "0", "x".repeat(63)]) accepted(() => parseSite(n, site()));
  for (const n of ["", "App", "_app", "a.b", "a/b", "x".repeat(64), "a b"]) {
    refused(() => parseSite(n, site()), "name", /slug/);
  }
  refused(() => parseSite("s", site({ name: "t" })), "name", /does not match/);
  ok({ name: "s" });
});

Deno.test("server names: host names, wildcards, suffixes, _ and IPs; nothing that is nginx syntax", () => {
  ok({
    server_names: [
      "example.com",
      "*.example.com",
      ".example.net",
      "_",
      "192.0.2.1",
      "[2001:db8::1]",
      "xn--bcher-kva.example",
      "localhost",
      "a-b.c-d.example",
      `${"a".repeat(63)}.example`,
    ],
  });
  ok({ server_names: [] });
  for (
    const n of [
      "Example.com",
      "exa mple.com",
      "a;b.com",
      "a{b}.com",
      'a"b.com',
      "a'b.com",
      "a\nb.com",
      "$host",
      "~^(www\\.)?example\\.com$",
      "-a.com",
      "a-.com",
      "a..com",
      "*.",
      "*",
      "www.example.*",
      "a.*.com",
      "**.example.com",
      "example.com:80",
      "2001:db8::1",
      "[zz::1]",
      "_.example.com",
      `${"a".repeat(64)}.example`,
      `${"a.".repeat(127)}com`,
      "",
    ]
  ) {
    bad({ server_names: [n] }, "server_names[0]");
  }
  bad({ server_names: ["a.com", "b.com", "a.com"] }, "server_names[2]", /duplicate/);
  bad({ server_names: "a.com" }, "server_names");
  bad({ server_names: [1] }, "server_names[0]");
  const many = Array.from({ length: 501 }, (_, i) => `h${i}.example`);
  bad({ server_names: many }, "server_names");
  ok({ server_names: many.slice(0, 500) });
});

Deno.test("listen: ports, addresses, flags, duplicates, unknown fields", () => {
  ok({ listen: [{ port: 1 }, { port: 65535, address: "127.0.0.1", default_server: true }] });
  ok({ listen: [{ port: 80, address: "::1" }, { port: 80, address: "[::2]" }] });
  ok({ listen: [{ port: 80, address: "127.0.0.1" }, { port: 80, address: "127.0.0.2" }] });
  for (const p of [0, 65536, -1, 80.5, "80", null]) {
    bad({ listen: [{ port: p }] }, "listen[0].port");
  }
  bad({ listen: [{}] }, "listen[0].port");
  for (const a of ["localhost", "10.0.0.0/24", "1.2.3.4;", "1.2.3.4 ssl", "[zz::1]", "", "*"]) {
    bad({ listen: [{ port: 80, address: a }] }, "listen[0].address");
  }
  bad({ listen: [{ port: 80, ssl: "yes" }] }, "listen[0].ssl");
  bad({ listen: [{ port: 80, default_server: 1 }] }, "listen[0].default_server");
  bad({ listen: [{ port: 80, proxy_protocol: true }] }, "listen[0].proxy_protocol", /unknown/);
  bad({ listen: [{ port: 80 }, { port: 80 }] }, "listen[1].port", /twice/);
  bad({ listen: "80" }, "listen");
  const many = Array.from({ length: 33 }, (_, i) => ({ port: 8000 + i }));
  bad({ listen: many }, "listen");
  ok({ listen: many.slice(0, 32) });
});

Deno.test("tls: absolute file paths, or a managed certificate name; ssl, http2, redirect_http need it", () => {
  ok({ tls });
  ok({ tls: { cert: "app-cert" } });
  ok({ tls, listen: [{ port: 443, ssl: true, http2: true }, { port: 80 }], redirect_http: true });
  for (
    const p of [
      "etc/ssl/app.pem",
      "/etc/ssl/app pem",
      "/etc/ssl/app.pem;",
      "/etc/ssl/../shadow",
      "/etc/ssl/$host.pem",
      "/etc/ssl/{a}.pem",
      '/etc/ssl/"a".pem',
      "/etc/ssl/a\n.pem",
      "engine:pkcs11:key",
      "",
    ]
  ) {
    bad({ tls: { certificate: p, key: "/etc/ssl/app.key" } }, "tls.certificate");
    bad({ tls: { certificate: "/etc/ssl/app.pem", key: p } }, "tls.key");
  }
  bad({ tls: { certificate: "/etc/ssl/app.pem" } }, "tls.key", /go together/);
  bad({ tls: { key: "/etc/ssl/app.key" } }, "tls.certificate", /go together/);
  bad({ tls: { ...tls, cert: "app" } }, "tls.cert", /either/);
  bad({ tls: {} }, "tls", /needs/);
  bad({ tls: { cert: "App Cert" } }, "tls.cert");
  bad({ tls: { ...tls, chain: "/etc/ssl/chain.pem" } }, "tls.chain", /unknown/);
  bad({ tls: "/etc/ssl/app.pem" }, "tls");

  // ssl listen without tls, http2 without ssl, tls without any ssl listen.
  bad({ listen: [{ port: 443, ssl: true }] }, "listen[0].ssl", /needs tls/);
  ok({ tls, listen: [{ port: 443, ssl: true }] });
  bad({ tls, listen: [{ port: 443, ssl: true }, { port: 8443, http2: true }] }, "listen[1].http2");
  ok({ tls, listen: [{ port: 443, ssl: true }, { port: 8443, ssl: true, http2: true }] });
  bad({ tls, listen: [{ port: 80 }] }, "listen", /no listen entry has ssl/);
  // redirect_http without tls.
  bad({ redirect_http: true }, "redirect_http", /needs tls/);
  ok({ redirect_http: true, tls });
  bad({ redirect_http: "yes", tls }, "redirect_http");
});

Deno.test("ip_rules: allow|deny with IPv4/IPv6 addresses and CIDRs", () => {
  ok({ ip_rules: { mode: "allow", addresses: ["10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8"] } });
  ok({ ip_rules: { mode: "deny", addresses: ["0.0.0.0/0", "::/0", "2001:db8::/128"] } });
  bad({ ip_rules: { mode: "block", addresses: ["10.0.0.1"] } }, "ip_rules.mode");
  bad({ ip_rules: { addresses: ["10.0.0.1"] } }, "ip_rules.mode");
  bad({ ip_rules: { mode: "deny", addresses: [] } }, "ip_rules.addresses");
  bad({ ip_rules: { mode: "deny" } }, "ip_rules.addresses");
  for (
    const a of [
      "10.0.0.0/33",
      "::/129",
      "300.1.1.1",
      "10.0.0.1; allow all",
      "10.0.0.0/8/8",
      "10.0.0.0/x",
      "10.0.0.0/",
      "all",
      "unix:",
      "example.com",
      "10.0.0.1 ",
      "",
    ]
  ) {
    bad({ ip_rules: { mode: "deny", addresses: [a] } }, "ip_rules.addresses[0]");
  }
  bad(
    { ip_rules: { mode: "deny", addresses: ["10.0.0.1"], log: true } },
    "ip_rules.log",
    /unknown/,
  );
});

Deno.test("client_max_body_size is a size; response headers have strict names and values", () => {
  for (const s of ["0", "512k", "10m", "10M", "1g", "1048576"]) ok({ client_max_body_size: s });
  for (const s of ["10 m", "10mb", "1t", "-1", "10m;", "1.5m", "", "m", "12345678901"]) {
    bad({ client_max_body_size: s }, "client_max_body_size");
  }
  bad({ client_max_body_size: 10 }, "client_max_body_size");

  ok({
    response_headers: {
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
      "Content-Security-Policy": "default-src 'self'; img-src data: https://cdn.example.com",
      "X-Empty": "",
    },
  });
  for (
    const name of ["X Frame", "X:Frame", "X;", "X{", "-X", "", "X_Frame", "Ä", "x".repeat(129)]
  ) {
    bad({ response_headers: { [name]: "v" } }, `response_headers.${name}`, /header name/);
  }
  for (
    const v of [
      'say "hi"',
      "back\\slash",
      "$host",
      "a{b",
      "a}b",
      "line\nbreak",
      "tab\there",
      "café",
      "x".repeat(4097),
    ]
  ) {
    bad({ response_headers: { "X-Test": v } }, "response_headers.X-Test");
  }
  bad({ response_headers: { "X-Test": 1 } }, "response_headers.X-Test");
  bad({ response_headers: ["X-Test: 1"] }, "response_headers");
});

Deno.test("site fields: default_pool is a slug, descriptions are bounded, unknown fields and wrong types", () => {
  ok({ default_pool: "web-1" });
  for (const p of ["Web", "web pool", "web;", "sy_web", ""]) {
    bad({ default_pool: p }, "default_pool");
  }
  ok({ description: "x".repeat(1024) });
  bad({ description: "x".repeat(1025) }, "description");
  bad({ colour: "blue" }, "colour", /unknown field/);
  bad({ Server_Names: ["a.com"] }, "Server_Names", /unknown field/);
  bad({ routes: {} }, "routes");
  bad({ extra_blocks: "gzip on;" }, "extra_blocks");
  refused(() => parseSite("s", null), "(body)");
  refused(() => parseSite("s", [site()]), "(body)");
  // What a client read back (version and times) is ignored on write.
  const s = ok({ version: 7, created_at: "2020-01-01", updated_at: "x", managed_by: null });
  assert.equal((s as Body).version, undefined);
});
