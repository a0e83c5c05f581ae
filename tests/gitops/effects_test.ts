// `agent apply` does what each kind's own API does besides storing the record:
// a project in the file gets its service started (before its route) and
// stopped (after), a certificate is issued by certbot (a real pebble), a proxy
// is checked with require_healthy first: by each API's own code, per entity.
import assert from "node:assert/strict";
import { freePort } from "../helpers/agent.ts";
import { isListening } from "../../agent/features/projects/ports.ts";
import { startCliAgent } from "./helpers.ts";
import { certEnv } from "../certs/helpers.ts";
import { rawRequest } from "../helpers/http.ts";
import { httpBackend } from "../helpers/backends.ts";

Deno.test("apply runs a kind's own side effects: a project's backend starts and answers through nginx, then stops", async () => {
  const a = await startCliAgent();
  try {
    await a.agent.startJobs();
    const port = freePort();
    const path = `${a.dir}/gateway.toml`;
    await Deno.writeTextFile(path, `[projects.shop]\nport = ${port}\n`);
    const plan = await a.cli(["plan", path]);
    assert.match(plan.out, /^\+ project\/shop \(create\)$/m);

    const r = await a.cli(["apply", path]);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /^project\/shop: service running \(pid \d+\), routed$/m);
    assert.match(r.out, /applied: 1 applied, 0 deleted, 0 unchanged, 0 refused/);
    assert.equal(await isListening(port), true, "the backend runs");
    const page = await a.viaNginx("whatever.example", "/shop/");
    assert.equal(page.status, 200);
    assert.equal(page.text.trim(), "Hello world: shop");
    assert.equal((await a.api("GET", "/api/projects/shop")).body.status, "active");
    assert.match((await a.cli(["plan", path])).out, /^0 change\(s\), 1 unchanged$/m);

    await Deno.writeTextFile(path, `[projects.shop]\nport = ${port}\nstatus = "inactive"\n`);
    const off = await a.cli(["apply", path, "--json"]);
    assert.equal(off.code, 0, off.err + off.out);
    const res = JSON.parse(off.out);
    assert.deepEqual(res.applied, ["project/shop"]);
    assert.deepEqual(res.effects, [
      { entity: "project/shop", ok: true, message: "service stopped, not routed" },
    ]);
    assert.equal(await isListening(port), false, "the backend was stopped");
    assert.equal((await a.viaNginx("whatever.example", "/shop/")).status, 404);

    // a project that cannot start is refused by name, the rest of the file applies
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const busy = (taken.addr as Deno.NetAddr).port;
    await Deno.writeTextFile(
      path,
      `[projects.shop]\nport = ${port}\nstatus = "inactive"\n\n[projects.clash]\nport = ${busy}\n\n` +
        `[sites.s]\nserver_names = ["s.test"]\n`,
    );
    const bad = await a.cli(["apply", path]);
    taken.close();
    assert.equal(bad.code, 2, bad.out + bad.err);
    assert.match(bad.err, /gateway\.toml:5: projects\.clash: CONFLICT: .*port/);
    assert.match(bad.out, /refused: 1 applied, 0 deleted, 1 unchanged, 1 refused/);
    assert.equal((await a.api("GET", "/api/projects/clash")).status, 404);
  } finally {
    await a.close();
  }
});

Deno.test("apply of projects beside a pool and a site is one reload: each project's service starts before its route, all land in one round", async () => {
  const be = httpBackend("be");
  const a = await startCliAgent();
  try {
    await a.agent.startJobs();
    const [p1, p2] = [freePort(), freePort()];
    const path = `${a.dir}/gateway.toml`;
    await Deno.writeTextFile(
      path,
      `[projects.one]\nport = ${p1}\n\n[projects.two]\nport = ${p2}\n\n` +
        `[pools.web]\nmembers = [{ address = "${be.address}" }]\n\n` +
        `[sites.s]\nserver_names = ["s.test"]\ndefault_pool = "web"\n`,
    );
    const before = a.reloads();
    const r = await a.cli(["apply", path, "--json"]);
    assert.equal(r.code, 0, r.err + r.out);
    const res = JSON.parse(r.out);
    assert.deepEqual(res.applied, ["pool/web", "project/one", "project/two", "site/s"]);
    assert.equal(a.reloads() - before, 1, "one reload for the whole file");
    for (const n of ["one", "two"]) {
      const page = await a.viaNginx("whatever.example", `/${n}/`);
      assert.equal(page.text.trim(), `Hello world: ${n}`);
    }
    assert.equal((await a.viaNginx("s.test", "/x")).text, "be /x");
  } finally {
    await a.close();
    await be.close();
  }
});

Deno.test("apply runs a proxy's require_healthy check before writing: a dead upstream is refused alone", async () => {
  const a = await startCliAgent();
  try {
    const path = `${a.dir}/gateway.json`;
    const dead = freePort();
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        proxies: {
          dead: { domain: "dead.test", upstream_host: "127.0.0.1", upstream_port: dead },
        },
        sites: { ok: { server_names: ["ok.test"] } },
      }),
    );
    const r = await a.cli(["apply", path]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /proxies\.dead: UPSTREAM_UNHEALTHY: /);
    assert.match(r.out, /1 applied, 0 deleted, 0 unchanged, 1 refused/);
    assert.equal((await a.api("GET", "/api/proxies/dead")).status, 404, "nothing written");
    assert.equal((await a.api("GET", "/api/sites/dead")).status, 404);
  } finally {
    await a.close();
  }
});

Deno.test("apply of certificates runs certbot (against pebble) as PUT /api/certs does, one at a time; the file and the certificates cost two reloads; the sites answer over HTTPS", async () => {
  const env = await certEnv();
  try {
    const site = (n: string) => ({
      server_names: [`${n}.example.com`],
      default_pool: "web",
      tls: { cert: n },
      redirect_http: true,
    });
    const doc = {
      pools: { web: { members: [{ address: env.backend.address }] } },
      sites: { web: site("web"), api: site("api") },
      certs: { web: { domains: ["web.example.com"] }, api: { domains: ["api.example.com"] } },
    };
    const before = env.t.reloads();
    const r = await env.t.api("POST", "/api/apply", doc);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.refused, []);
    assert.deepEqual(r.body.applied, ["cert/api", "cert/web", "pool/web", "site/api", "site/web"]);
    // one for the file (the challenges answered), one once certbot issued both
    assert.equal(env.t.reloads() - before, 2, "reloads");
    assert.deepEqual(r.body.effects.map((x: { entity: string }) => x.entity), [
      "cert/api",
      "cert/web",
    ]);
    for (const x of r.body.effects) {
      assert.equal(x.ok, true, x.message);
      assert.match(x.message, /^issued by certbot/);
    }
    const cert = await env.t.api("GET", "/api/certs/web");
    assert.equal(cert.body.status, "active");
    assert.match(cert.body.issuer, /Pebble/);
    const tls = await rawRequest({
      port: env.httpsPort,
      host: "web.example.com",
      path: "/secure",
      tls: { caCerts: [await env.pebble.issuerCaPem()] },
    });
    assert.equal(tls.text, "app /secure");
    // the same file again: nothing changes, certbot is not run again
    const again = await env.t.api("POST", "/api/apply", doc);
    assert.equal(again.body.status, "unchanged", JSON.stringify(again.body));
    assert.equal(again.body.unchanged, 5);
  } finally {
    await env.close();
  }
});

Deno.test("apply of a proxy with enable_ssl issues its certificate after the commit, as PUT /api/proxies does", async () => {
  const env = await certEnv();
  try {
    const r = await env.t.api("POST", "/api/apply", {
      proxies: {
        px: {
          domain: "px.example.com",
          upstream_host: "127.0.0.1",
          upstream_port: env.backend.port,
          require_healthy: false,
          enable_ssl: true,
        },
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.applied, ["proxy/px"]);
    assert.equal(r.body.effects[0].entity, "proxy/px");
    assert.match(r.body.effects[0].message, /^certificate issued by certbot/);
    assert.equal((await env.t.api("GET", "/api/proxies/px")).body.ssl_enabled, true);
    const tls = await rawRequest({
      port: env.httpsPort,
      host: "px.example.com",
      path: "/s",
      tls: { caCerts: [await env.pebble.issuerCaPem()] },
    });
    assert.equal(tls.text, "app /s");
  } finally {
    await env.close();
  }
});
