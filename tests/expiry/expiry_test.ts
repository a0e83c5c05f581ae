// Expiring routes, sites and proxies: a route with a 2 s TTL disappears from
// nginx within one job interval after it expires, through the normal pipeline
// (audited as expired); expiries due together cost one reload.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a route with a 2 s TTL is served, listed with its remaining time, and gone from nginx within one job interval after it expires", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { expiry_interval: 1 } });
  try {
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const put = await t.api("PUT", "/api/sites/round", {
      server_names: ["round.test"],
      routes: [
        { name: "keep", path: "/keep/", pool: "web" },
        { name: "temp", path: "/temp/", pool: "web", ttl: "2s" },
      ],
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const expiresAt = Date.parse(put.body.routes[1].expires_at);
    assert.ok(put.body.routes[1].ttl === undefined, "ttl is stored as expires_at");
    assert.ok(Math.abs(expiresAt - Date.now() - 2000) < 1500);
    await t.agent.startJobs();
    assert.equal((await t.viaNginx("round.test", "/temp/x")).text, "be /temp/x");
    const status = (await t.api("GET", "/api/config/status")).body;
    const listed = status.expiring.find((e: { id: string }) => e.id === "site/round/routes/temp");
    assert.ok(
      listed && listed.remaining_s <= 2 && listed.remaining_s >= 0,
      JSON.stringify(status.expiring),
    );

    let goneAt = 0;
    for (let i = 0; i < 100 && !goneAt; i++) {
      if ((await t.viaNginx("round.test", "/temp/x")).status === 404) goneAt = Date.now();
      else await sleep(100);
    }
    assert.ok(goneAt, "the route was removed");
    const late = goneAt - expiresAt;
    console.log(`route gone from nginx ${late} ms after it expired (job interval 1000 ms)`);
    assert.ok(
      late <= 1000 + 1500,
      `removed ${late} ms after expiry: more than one interval (+ apply time)`,
    );
    assert.equal((await t.viaNginx("round.test", "/keep/y")).text, "be /keep/y", "the rest stays");
    const site = (await t.api("GET", "/api/sites/round")).body;
    assert.deepEqual(site.routes.map((r: { name: string }) => r.name), ["keep"]);
    const audit = (await t.api("GET", "/api/audit?limit=20")).body;
    const entry = (audit.entries ?? audit).find((e: { action: string }) => e.action === "expired");
    assert.ok(entry, JSON.stringify(audit).slice(0, 500));
    assert.equal(entry.actor, "expiry");
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("a site and a proxy expiring together are removed in one sweep and one reload, the proxy with its site and pool", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { expiry_interval: 1 } });
  try {
    const at = new Date(Date.now() + 2500).toISOString();
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    assert.equal(
      (await t.api("PUT", "/api/sites/preview", {
        server_names: ["preview.test"],
        default_pool: "web",
        expires_at: at,
      })).status,
      201,
    );
    const px = await t.api("PUT", "/api/proxies/demo", {
      domain: "demo.test",
      upstream_host: "127.0.0.1",
      upstream_port: be.port,
      require_healthy: false,
      expires_at: at,
    });
    assert.equal(px.status, 201, JSON.stringify(px.body));
    const bad = await t.api("PUT", "/api/sites/x", {
      server_names: ["x.test"],
      expires_at: "soon",
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /expires_at/);
    assert.equal((await t.viaNginx("demo.test", "/d")).text, "be /d");
    const before = t.reloads();
    await t.agent.startJobs();
    for (let i = 0; i < 80; i++) {
      if ((await t.api("GET", "/api/proxies/demo")).status === 404) break;
      await sleep(100);
    }
    await sleep(300);
    assert.equal((await t.api("GET", "/api/proxies/demo")).status, 404);
    assert.equal((await t.api("GET", "/api/sites/preview")).status, 404);
    assert.equal(
      (await t.api("GET", "/api/sites/demo")).status,
      404,
      "the proxy's site went with it",
    );
    assert.equal((await t.api("GET", "/api/pools/demo")).status, 404, "and its pool");
    assert.equal((await t.api("GET", "/api/pools/web")).status, 200);
    // The records go first; the round that serves their removal follows (slower under load).
    for (let i = 0; i < 150 && t.reloads() === before; i++) await sleep(100);
    await sleep(500);
    assert.equal(t.reloads() - before, 1, "expiries due together: one reload");
    assert.notEqual((await t.viaNginx("demo.test", "/d")).text, "be /d", "gone from nginx");
  } finally {
    await t.close();
    await be.close();
  }
});
