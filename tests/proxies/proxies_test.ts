// Proxies end to end with a real nginx and real HTTP upstreams: what an operator
// sees through the API and what a client of the domain sees through nginx.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { startTestAgent } from "../helpers/agent.ts";
import {
  deadPort,
  filesSnapshot,
  kvSnapshot,
  startProxiesAgent,
  vhostOnlyUpstream,
} from "./helpers.ts";

Deno.test("PUT creates a proxy (201) that reaches the upstream through nginx; update (200), the managed site and pool, DELETE", async () => {
  const a = httpBackend("alpha");
  const b = httpBackend("beta");
  const t = await startProxiesAgent();
  try {
    const body = { domain: "app.example.test", upstream_host: "127.0.0.1", upstream_port: a.port };
    const r = await t.api("PUT", "/api/proxies/app", body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, "active");
    assert.equal(r.body.ssl_enabled, false);
    assert.equal(r.body.require_healthy, true);
    assert.equal(r.body.enable_ssl, false);
    assert.equal(r.body.health_path, "/health");
    assert.equal(r.body.apply.status, "applied");
    assert.equal(r.body.apply.reloaded, true);
    // The verifier's verdict comes back in the outcome.
    assert.deepEqual(
      r.body.apply.verified.map((v: { id: string; verifier: string; ok: boolean }) => [
        v.id,
        v.verifier,
        v.ok,
      ]),
      [["proxy/app", "proxies-through-nginx", true]],
    );
    assert.ok(r.body.created_at && r.body.updated_at);
    assert.equal(r.body.url, `http://app.example.test:${t.httpPort}/`);
    assert.equal(r.headers.get("etag"), '"1"');

    const page = await t.viaNginx("app.example.test", "/hello?x=1");
    assert.equal(page.status, 200);
    assert.equal(page.text, "alpha /hello?x=1");
    assert.equal(a.seen.at(-1)!.headers.get("host"), "app.example.test");

    // The sites and pools views show the same thing, owned by the proxy.
    const site = await t.api("GET", "/api/sites/app");
    assert.equal(site.status, 200);
    assert.deepEqual(site.body.managed_by, { kind: "proxy", name: "app" });
    assert.deepEqual(site.body.server_names, ["app.example.test"]);
    assert.equal(site.body.default_pool, "app");
    const pool = await t.api("GET", "/api/pools/app");
    assert.deepEqual(pool.body.managed_by, { kind: "proxy", name: "app" });
    assert.deepEqual(pool.body.members.map((m: { address: string }) => m.address), [a.address]);
    const listed = (await t.api("GET", "/api/sites")).body.sites;
    assert.deepEqual(listed.map((s: { name: string }) => s.name), ["app"]);

    // ...and refuse to change them: 409 naming the proxy.
    const edit = await t.api("PUT", "/api/sites/app", { server_names: ["x.example.test"] });
    assert.equal(edit.status, 409, JSON.stringify(edit.body));
    assert.equal(edit.body.error.code, "CONFLICT");
    assert.match(
      edit.body.error.message,
      /managed by proxy "app"; change it through \/api\/proxies\/app/,
    );
    assert.equal((await t.api("DELETE", "/api/pools/app")).status, 409);
    assert.equal(
      (await t.api("PUT", "/api/pools/app/members/127.0.0.1:1", {})).status,
      409,
    );

    // The same PUT again changes nothing.
    const same = await t.api("PUT", "/api/proxies/app", body);
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 1);
    assert.equal(same.body.apply.status, "unchanged");

    // Update: another upstream.
    const reloads = t.reloads();
    const up = await t.api("PUT", "/api/proxies/app", { ...body, upstream_port: b.port });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.version, 2);
    assert.equal(up.body.upstream_port, b.port);
    assert.equal(t.reloads(), reloads + 1, "one reload for the proxy, its site and its pool");
    assert.equal((await t.viaNginx("app.example.test", "/x")).text, "beta /x");
    // GET then PUT of what was read works (read-only fields are ignored).
    const got = await t.api("GET", "/api/proxies/app");
    assert.equal(got.body.status, "active");
    assert.equal((await t.api("PUT", "/api/proxies/app", got.body)).status, 200);

    const doc = await t.api("GET", "/api/openapi.json");
    assert.ok(doc.body.paths["/api/proxies/{name}"].put);
    assert.ok(doc.body.paths["/api/proxies/{name}/ssl"].post);
    assert.ok(doc.body.paths["/api/proxies/sync-from-registry"].post);
    assert.ok(doc.body.components.schemas.Proxy);

    const list = await t.api("GET", "/api/proxies");
    assert.deepEqual(list.body.proxies.map((p: { name: string }) => p.name), ["app"]);

    const del = await t.api("DELETE", "/api/proxies/app");
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.deleted, true);
    assert.equal(del.body.apply.status, "applied");
    // No site left: the dev nginx's welcome server answers, not the upstream.
    assert.match(
      (await t.viaNginx("app.example.test", "/x")).text,
      /Switchyard dev nginx is running/,
    );
    assert.equal((await t.api("GET", "/api/sites/app")).status, 404);
    assert.equal((await t.api("GET", "/api/pools/app")).status, 404);
    const gone = await t.api("GET", "/api/proxies/app");
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, "PROXY_NOT_FOUND");
    const again = await t.api("DELETE", "/api/proxies/app");
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, "PROXY_NOT_FOUND");
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});

Deno.test("require_healthy with a dead or failing upstream: 503 UPSTREAM_UNHEALTHY naming the URL, nothing written (KV and nginx files)", async () => {
  const ok = httpBackend("ok");
  const failing = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("down for maintenance", { status: 500 }),
  );
  const t = await startProxiesAgent();
  try {
    // An existing proxy, so "nothing changed" is about a real state.
    const base = {
      domain: "keep.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: ok.port,
    };
    assert.equal((await t.api("PUT", "/api/proxies/keep", base)).status, 201);
    const kv = await kvSnapshot(t);
    const files = await filesSnapshot(t);
    const reloads = t.reloads();

    const dead = deadPort();
    const r = await t.api("PUT", "/api/proxies/new", {
      domain: "new.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: dead,
    });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "UPSTREAM_UNHEALTHY");
    assert.equal(r.body.error.detail.url, `http://127.0.0.1:${dead}/health`);
    assert.match(r.body.error.message, /GET http:\/\/127\.0\.0\.1:\d+\/health: connection refused/);
    assert.match(r.body.error.message, /nothing was changed/);

    // An update of the existing proxy onto a failing upstream is refused the same way.
    const port = (failing.addr as Deno.NetAddr).port;
    const u = await t.api("PUT", "/api/proxies/keep", { ...base, upstream_port: port });
    assert.equal(u.status, 503);
    assert.match(u.body.error.message, /answered HTTP 500, not 2xx/);

    assert.deepEqual(await kvSnapshot(t), kv, "KV unchanged (no record, no audit entry)");
    assert.deepEqual(await filesSnapshot(t), files, "nginx files unchanged");
    assert.equal(t.reloads(), reloads);
    assert.equal((await t.api("GET", "/api/proxies/new")).status, 404);
    assert.equal((await t.viaNginx("keep.example.test", "/")).text, "ok /");

    // require_healthy false: written without asking the upstream (nginx answers 502 until it runs).
    const later = await t.api("PUT", "/api/proxies/new", {
      domain: "new.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: dead,
      require_healthy: false,
    });
    assert.equal(later.status, 201, JSON.stringify(later.body));
    assert.equal((await t.viaNginx("new.example.test", "/")).status, 502);
  } finally {
    await t.close();
    await ok.close();
    await failing.shutdown();
  }
});

Deno.test("verifier: an upstream that answers the agent's health check but not what nginx forwards is rolled back, with the reason", async () => {
  const good = httpBackend("good");
  const picky = vhostOnlyUpstream();
  const t = await startProxiesAgent();
  try {
    const r = await t.api("PUT", "/api/proxies/picky", {
      domain: "picky.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: picky.port,
    });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "UPSTREAM_UNHEALTHY");
    assert.match(
      r.body.error.message,
      /proxy "picky" does not reach its upstream through nginx \(GET http:\/\/127\.0\.0\.1:\d+\/health with Host: picky\.example\.test\): nginx answered 502 itself.*rolled back/,
    );
    assert.deepEqual(r.body.error.detail.entity, { kind: "proxy", name: "picky" });
    const last = (await t.api("GET", "/api/config/status")).body.last_apply;
    assert.equal(last.verified.length, 1, JSON.stringify(last.verified));
    assert.equal(last.verified[0].id, "proxy/picky");
    assert.equal(last.verified[0].ok, false);
    assert.equal(last.verified[0].code, "UPSTREAM_UNHEALTHY");
    assert.match(last.verified[0].message, /does not reach its upstream through nginx/);
    assert.equal((await t.api("GET", "/api/proxies/picky")).status, 404);
    assert.equal((await t.api("GET", "/api/sites/picky")).status, 404);
    assert.equal((await t.api("GET", "/api/pools/picky")).status, 404);
    // nginx serves none of it: the dev nginx's welcome server answers again.
    const after = await t.viaNginx("picky.example.test", "/");
    assert.equal(after.status, 200);
    assert.match(after.text, /Switchyard dev nginx is running/);

    // An update that breaks a working proxy is rolled back to what it was.
    const base = {
      domain: "svc.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: good.port,
    };
    assert.equal((await t.api("PUT", "/api/proxies/svc", base)).status, 201);
    const bad = await t.api("PUT", "/api/proxies/svc", { ...base, upstream_port: picky.port });
    assert.equal(bad.status, 503, JSON.stringify(bad.body));
    const kept = await t.api("GET", "/api/proxies/svc");
    assert.equal(kept.body.upstream_port, good.port);
    assert.equal(kept.body.status, "active");
    assert.deepEqual(
      (await t.api("GET", "/api/pools/svc")).body.members.map((m: { address: string }) =>
        m.address
      ),
      [good.address],
    );
    assert.equal((await t.viaNginx("svc.example.test", "/p")).text, "good /p");
    // The audit log says why.
    const audit = await t.api("GET", "/api/audit?entity=proxy/svc");
    assert.equal(audit.status, 200);
    assert.match(JSON.stringify(audit.body), /does not reach its upstream through nginx/);
  } finally {
    await t.close();
    picky.close();
    await good.close();
  }
});

Deno.test("bad input names the field; names and domains held by others are 409 naming the holder", async () => {
  const be = httpBackend("be");
  const t = await startProxiesAgent();
  try {
    const ok = { domain: "a.example.test", upstream_host: "127.0.0.1", upstream_port: be.port };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, domain: "bad domain;" }, "domain"],
      [{ ...ok, domain: "_" }, "domain"],
      [{ ...ok, upstream_host: "x;y" }, "upstream_host"],
      [{ ...ok, upstream_port: 70000 }, "upstream_port"],
      [{ ...ok, health_path: "health" }, "health_path"],
      [{ ...ok, enable_ssl: true, domain: "*.example.test" }, "enable_ssl"],
      [{ ...ok, surprise: 1 }, "surprise"],
      [{ upstream_host: "127.0.0.1", upstream_port: be.port }, "domain"],
    ];
    for (const [body, field] of cases) {
      const r = await t.api("PUT", "/api/proxies/a", body);
      assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "VALIDATION_FAILED");
      assert.equal(r.body.error.detail.field, field, JSON.stringify(r.body));
    }
    assert.equal((await t.api("PUT", "/api/proxies/Bad_Name", ok)).body.error.detail.field, "name");

    // An operator's own site and pool.
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    await t.api("PUT", "/api/sites/web", {
      server_names: ["web.example.test"],
      default_pool: "web",
    });
    const name = await t.api("PUT", "/api/proxies/web", ok);
    assert.equal(name.status, 409);
    assert.match(name.body.error.message, /site "web" already exists/);
    const dom = await t.api("PUT", "/api/proxies/other", { ...ok, domain: "web.example.test" });
    assert.equal(dom.status, 409, JSON.stringify(dom.body));
    assert.equal(dom.body.error.detail.field, "domain");
    assert.equal(dom.body.error.detail.holder, "site/web");
    assert.match(
      dom.body.error.message,
      /web\.example\.test on port \d+ is already served by site web/,
    );
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("GET /api/health reports nginx (present, version, config test, last reload, running) and the proxies", async () => {
  const be = httpBackend("be");
  const t = await startProxiesAgent();
  try {
    await t.api("PUT", "/api/proxies/h", {
      domain: "h.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: be.port,
    });
    const h = await t.api("GET", "/api/health");
    assert.equal(h.status, 200);
    assert.equal(h.body.nginx.present, true);
    assert.equal(h.body.nginx.running, true);
    assert.match(h.body.nginx.version, /^\d+\.\d+\.\d+/);
    assert.equal(h.body.nginx.config_test_ok, true);
    assert.ok(h.body.nginx.last_reload_at);
    assert.deepEqual(
      { total: h.body.proxies.total, active: h.body.proxies.active },
      { total: 1, active: 1 },
    );
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("rebuild-db brings proxies back from the sidecars on disk: proxy, site and pool, still owned", async () => {
  const be = httpBackend("be");
  let t = await startProxiesAgent();
  const { dir, httpPort } = t;
  try {
    for (const n of ["one", "two"]) {
      const r = await t.api("PUT", `/api/proxies/${n}`, {
        domain: `${n}.example.test`,
        upstream_host: "127.0.0.1",
        upstream_port: be.port,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const want = (await t.api("GET", "/api/proxies")).body.proxies;
    const sites = (await t.api("GET", "/api/sites")).body.sites;
    await t.close();
    await Deno.remove(`${dir}/data/agent.kv`);
    t = await startTestAgent({ dir, httpPort, overrides: { proxy_health_timeout: 2 } });
    const r = await t.api("POST", "/api/config/rebuild-from-disk?force=true");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.kinds.proxy, { count: 2, names: ["one", "two"] });
    assert.deepEqual((await t.api("GET", "/api/proxies")).body.proxies, want);
    assert.deepEqual((await t.api("GET", "/api/sites")).body.sites, sites);
    assert.equal((await t.api("PUT", "/api/sites/one", { server_names: ["z.test"] })).status, 409);
    assert.equal((await t.viaNginx("two.example.test", "/r")).text, "be /r");
  } finally {
    await t.close();
    await be.close();
  }
});
