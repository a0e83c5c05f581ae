// Names are unique per tenant: two tenants each have a pool "web" and a site
// "shop", each sees and changes only its own under the plain name, nginx
// serves both, an admin sees the store's qualified names (or one tenant's with
// ?tenant=), and nothing a tenant reads carries the store's prefix.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { as, token } from "./helpers.ts";

async function tenantWithToken(t: TestAgent, name: string): Promise<string> {
  const d = [`${name}.test`, `*.${name}.test`];
  assert.equal((await t.api("PUT", `/api/tenants/${name}`, { domains: d })).status, 201);
  return await token(t, { tenant: name, role: "operator", name: "ci" });
}

Deno.test("names per tenant: two tenants each make pool web and site shop; each sees its own, nginx serves both", async () => {
  const beA = httpBackend("a");
  const beB = httpBackend("b");
  const t = await startTestAgent();
  try {
    const a = await tenantWithToken(t, "ta");
    const b = await tenantWithToken(t, "tb");
    for (const [tok, be, host] of [[a, beA, "shop.ta.test"], [b, beB, "shop.tb.test"]] as const) {
      const p = await as(t, tok, "PUT", "/api/pools/web", { members: [{ address: be.address }] });
      assert.equal(p.status, 201, p.text);
      const s = await as(t, tok, "PUT", "/api/sites/shop", {
        server_names: [host],
        default_pool: "web",
        routes: [{ name: "api", path: "/api/", pool: "web" }],
      });
      assert.equal(s.status, 201, s.text);
      assert.equal(s.body.name, "shop");
      assert.equal(s.body.default_pool, "web");
      assert.equal(s.body.routes[0].pool, "web");
    }
    assert.equal((await t.viaNginx("shop.ta.test", "/x")).text, "a /x");
    assert.equal((await t.viaNginx("shop.tb.test", "/api/y")).text, "b /api/y");

    // each tenant reads its own under the plain name; nothing carries the store's prefix
    for (const [tok, host] of [[a, "shop.ta.test"], [b, "shop.tb.test"]] as const) {
      const one = await as(t, tok, "GET", "/api/sites/shop");
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.server_names, [host]);
      const list = await as(t, tok, "GET", "/api/sites");
      assert.deepEqual(list.body.sites.map((s: { name: string }) => s.name), ["shop"]);
      const audit = await as(t, tok, "GET", "/api/audit");
      assert.ok(audit.body.entries.length >= 2);
      for (const r of [one, list, audit]) assert.ok(!/t[ab]__/.test(r.text), r.text.slice(0, 300));
    }

    // an admin sees the store's names, or one tenant's as that tenant does
    const all = (await t.api("GET", "/api/sites")).body.sites;
    assert.deepEqual(
      all.map((s: { name: string; tenant: string; default_pool: string }) =>
        `${s.name} ${s.tenant} ${s.default_pool}`
      ),
      ["ta__shop ta ta__web", "tb__shop tb tb__web"],
    );
    const forB = await t.api("GET", "/api/sites?tenant=tb");
    assert.deepEqual(forB.body.sites.map((s: { name: string }) => s.name), ["shop"]);
    const oneB = await t.api("GET", "/api/sites/shop?tenant=tb");
    assert.deepEqual(oneB.body.server_names, ["shop.tb.test"]);
    const made = await t.api("PUT", "/api/pools/spare?tenant=ta", { members: [] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal((await t.api("GET", "/api/pools/ta__spare")).body.tenant, "ta");
    const unknown = await t.api("GET", "/api/sites?tenant=nobody");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.detail.field, "tenant");

    // one tenant's change and delete never reach the other's record of the same name
    const upd = await as(t, a, "PUT", "/api/sites/shop", {
      server_names: ["shop.ta.test", "www.ta.test"],
      default_pool: "web",
    });
    assert.equal(upd.status, 200, upd.text);
    assert.equal((await as(t, b, "GET", "/api/sites/shop")).body.routes.length, 1);
    const inUse = await as(t, a, "DELETE", "/api/pools/web");
    assert.equal(inUse.status, 409, inUse.text);
    assert.match(inUse.body.error.message, /\bshop\b/);
    assert.ok(!inUse.text.includes("ta__"), inUse.text);
    assert.equal((await as(t, a, "DELETE", "/api/sites/shop")).status, 200);
    assert.equal((await as(t, a, "GET", "/api/sites/shop")).status, 404);
    assert.equal((await as(t, b, "GET", "/api/sites/shop")).status, 200);
    assert.equal((await t.viaNginx("shop.tb.test", "/z")).text, "b /z");

    // errors name the tenant's own names
    const missing = await as(t, a, "PUT", "/api/sites/s2", {
      server_names: ["s2.ta.test"],
      default_pool: "nope",
    });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /pool "nope" does not exist/);
    assert.ok(!missing.text.includes("ta__"), missing.text);
  } finally {
    await t.close();
    await beA.close();
    await beB.close();
  }
});

Deno.test("names per tenant: the prefix is the store's; a tenant writes plain names, nobody makes another's; a record made before keeps its name", async () => {
  const t = await startTestAgent();
  try {
    const a = await tenantWithToken(t, "ta");
    await tenantWithToken(t, "tb");
    const q = await as(t, a, "PUT", "/api/pools/tb__web", { members: [] });
    assert.equal(q.status, 400);
    assert.equal(q.body.error.detail.field, "name");
    const ref = await as(t, a, "PUT", "/api/sites/s", {
      server_names: ["s.ta.test"],
      default_pool: "tb__web",
    });
    assert.equal(ref.status, 400);
    assert.equal(ref.body.error.detail.field, "default_pool");
    // an admin writes a tenant's record within it, not by its qualified name alone
    const root = await t.api("PUT", "/api/pools/tb__web", { members: [] });
    assert.equal(root.status, 400, JSON.stringify(root.body));
    assert.equal(root.body.error.detail.field, "name");
    assert.match(root.body.error.message, /\?tenant=tb/);

    // a tenant's record from before names were per tenant: found, changed, kept plain
    await t.agent.rt.store.write(() => ({
      ops: [{
        type: "put",
        kind: "pool",
        name: "old",
        spec: t.agent.rt.kinds.get("pool")!.parse("old", { members: [] }, t.settings),
        tenant: "ta",
      }],
      actor: "test",
      action: "test",
    }));
    assert.equal((await as(t, a, "GET", "/api/pools/old")).status, 200);
    const site = await as(t, a, "PUT", "/api/sites/uses-old", {
      server_names: ["u.ta.test"],
      default_pool: "old",
      tls: { cert: "mine" },
    });
    assert.equal(site.status, 201, site.text);
    const stored = await t.api("GET", "/api/sites/ta__uses-old");
    assert.equal(stored.body.default_pool, "old", "the plain record it names");
    assert.equal(stored.body.tls.cert, "ta__mine", "a certificate it names: the tenant's own");
    assert.equal(site.body.tls.cert, "mine");
  } finally {
    await t.close();
  }
});

Deno.test("names per tenant: a tenant's export names its records plainly and applies back unchanged", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    const a = await tenantWithToken(t, "ta");
    const doc = {
      pools: { web: { members: [{ address: be.address }] } },
      sites: { shop: { server_names: ["shop.ta.test"], default_pool: "web" } },
    };
    const applied = await as(t, a, "POST", "/api/apply", doc);
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(applied.body.applied, ["pool/web", "site/shop"]);
    assert.equal((await t.viaNginx("shop.ta.test", "/e")).text, "be /e");
    const exp = await as(t, a, "GET", "/api/export");
    assert.equal(exp.status, 200, exp.text);
    assert.deepEqual(Object.keys(exp.body.document.sites), ["shop"]);
    assert.equal(exp.body.document.sites.shop.default_pool, "web");
    assert.ok(!exp.text.includes("ta__"), exp.text);
    const plan = await as(t, a, "POST", "/api/plan", doc);
    assert.equal(plan.status, 200, plan.text);
    assert.deepEqual([plan.body.errors, plan.body.changes], [[], []]);
    // --only names the tenant's entity plainly too
    const only = await as(t, a, "POST", "/api/plan?only=site/shop", {
      sites: { shop: { server_names: ["shop.ta.test", "x.ta.test"], default_pool: "web" } },
    });
    assert.deepEqual(only.body.changes.map((c: { id: string }) => c.id), ["site/shop"]);
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("a tenant's token reads its own metrics and its projects' logs, nothing of the host's or another tenant's", async () => {
  const beA = httpBackend("a");
  const beB = httpBackend("b");
  const t = await startTestAgent();
  try {
    await t.agent.startJobs();
    const a = await tenantWithToken(t, "ta");
    const b = await tenantWithToken(t, "tb");
    for (const [tok, be] of [[a, beA], [b, beB]] as const) {
      const p = await as(t, tok, "PUT", "/api/pools/web", {
        members: [{ address: be.address }],
        health_check: { path: "/", enabled: true },
      });
      assert.equal(p.status, 201, p.text);
    }
    const m = await t.agent.app.request("/metrics", { headers: { authorization: `Bearer ${a}` } });
    const text = await m.text();
    assert.equal(m.status, 200, text);
    assert.match(text, new RegExp(`pool="web",member="${beA.address}"`));
    assert.ok(!text.includes(beB.address), "B's member is not A's to see");
    assert.ok(!/t[ab]__/.test(text), text);
    assert.ok(!text.includes("switchyard_build_info"), "the host's own metrics are left out");
    const host = await (await t.agent.app.request("/metrics", {
      headers: { authorization: `Bearer ${t.agent.rt.apiKey}` },
    })).text();
    assert.match(host, /switchyard_build_info/);
    assert.ok(host.includes(beB.address));

    const port = (await import("../helpers/agent.ts")).freePort();
    const proj = await as(t, a, "PUT", "/api/projects/app", { port });
    assert.ok(proj.status < 300, proj.text);
    const bp = await as(t, b, "PUT", "/api/projects/bapp", {
      port: (await import("../helpers/agent.ts")).freePort(),
    });
    assert.ok(bp.status < 300, bp.text);
    const sources = await as(t, a, "GET", "/api/console/logs");
    assert.equal(sources.status, 200, sources.text);
    assert.deepEqual(sources.body.sources.map((s: { id: string }) => s.id), ["project:app"]);
    const tail = await as(t, a, "GET", "/api/console/logs/project:app");
    assert.equal(tail.status, 200, tail.text);
    assert.equal(tail.body.source, "project:app");
    for (const other of ["nginx-error", "nginx-access", "project:bapp", "project:tb__bapp"]) {
      const r = await as(t, a, "GET", `/api/console/logs/${other}`);
      assert.ok(r.status === 404 || r.status === 400, `${other}: ${r.status} ${r.text}`);
    }
  } finally {
    await t.close();
    await beA.close();
    await beB.close();
  }
});
