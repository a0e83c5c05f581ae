// Real traffic through a real nginx: pools, members, WebSocket routes, IP rules.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend, wsEchoBackend, wsRoundTrip } from "../helpers/backends.ts";

Deno.test("a site with a two-member pool reaches both; a down member gets no traffic", async () => {
  const a = httpBackend("alpha");
  const b = httpBackend("beta");
  const t = await startTestAgent();
  try {
    const pool = await t.api("PUT", "/api/pools/web", {
      members: [{ address: a.address }, { address: b.address }],
    });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    assert.equal(pool.body.version, 1);
    const site = await t.api("PUT", "/api/sites/web", {
      server_names: ["web.test"],
      default_pool: "web",
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    assert.equal(site.body.apply.status, "applied");

    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await t.viaNginx("web.test", `/page?i=${i}`);
      assert.equal(r.status, 200);
      seen.add(r.text.split(" ")[0]);
    }
    assert.deepEqual([...seen].sort(), ["alpha", "beta"]);

    const down = await t.api("PUT", `/api/pools/web/members/${encodeURIComponent(b.address)}`, {
      down: true,
    });
    assert.equal(down.status, 200, JSON.stringify(down.body));
    for (let i = 0; i < 6; i++) {
      const r = await t.viaNginx("web.test", "/x");
      assert.equal(r.text, "alpha /x");
    }
    // the backend headers an expert expects
    const last = a.seen.at(-1)!;
    assert.equal(last.headers.get("x-forwarded-host"), "web.test");
    assert.equal(last.headers.get("x-real-ip"), "127.0.0.1");
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});

Deno.test("a WebSocket route carries a real echo through nginx; other paths stay plain HTTP", async () => {
  const ws = wsEchoBackend();
  const web = httpBackend("web");
  const t = await startTestAgent();
  try {
    await t.api("PUT", "/api/pools/ws", { members: [{ address: ws.address }] });
    await t.api("PUT", "/api/pools/web", { members: [{ address: web.address }] });
    const site = await t.api("PUT", "/api/sites/app", {
      server_names: ["127.0.0.1"],
      default_pool: "web",
      routes: [{ name: "live", path: "/live/", pool: "ws", websocket: true, strip_prefix: true }],
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const reply = await wsRoundTrip(`ws://127.0.0.1:${t.httpPort}/live/socket`, "hello");
    assert.equal(reply, "echo:hello");
    assert.equal(ws.seen.at(-1)!.path, "/socket"); // prefix stripped
    const plain = await t.viaNginx("127.0.0.1", "/other");
    assert.equal(plain.text, "web /other");
  } finally {
    await t.close();
    await ws.close();
    await web.close();
  }
});

Deno.test("an IP deny rule answers 403 to 127.0.0.1; an allow rule for it lets the request through", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    await t.api("PUT", "/api/pools/p", { members: [{ address: be.address }] });
    const deny = await t.api("PUT", "/api/sites/s", {
      server_names: ["ip.test"],
      default_pool: "p",
      ip_rules: { mode: "deny", addresses: ["127.0.0.1", "::1"] },
    });
    assert.equal(deny.status, 201, JSON.stringify(deny.body));
    assert.equal((await t.viaNginx("ip.test", "/")).status, 403);
    // ACME challenges stay reachable even when the site denies the client
    assert.equal((await t.viaNginx("ip.test", "/.well-known/acme-challenge/none")).status, 404);

    const allow = await t.api("PUT", "/api/sites/s", {
      server_names: ["ip.test"],
      default_pool: "p",
      ip_rules: { mode: "allow", addresses: ["127.0.0.0/8"] },
    });
    assert.equal(allow.status, 200);
    const r = await t.viaNginx("ip.test", "/hello");
    assert.equal(r.status, 200);
    assert.equal(r.text, "be /hello");
  } finally {
    await t.close();
    await be.close();
  }
});
