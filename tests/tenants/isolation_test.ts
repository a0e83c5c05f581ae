// Tenants and tokens: a token of tenant A cannot read, write, list or see in
// the audit log anything of tenant B, over every endpoint of the OpenAPI
// document; it cannot claim B's domain; expired and revoked tokens are refused.
// Names are per tenant: A writing one of B's names makes A's own record.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { as, token } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("tenant isolation: every endpoint of the OpenAPI document, with a tenant-A token against tenant-B data", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    for (
      const [n, d] of [["ta", ["ta.test", "*.ta.test"]], ["tb", ["tb.test", "*.tb.test"]]] as const
    ) {
      assert.equal((await t.api("PUT", `/api/tenants/${n}`, { domains: d })).status, 201);
    }
    const a = await token(t, { tenant: "ta", role: "operator", name: "ci-a" });
    const b = await token(t, { tenant: "tb", role: "operator", name: "ci-b" });

    // tenant B's data, made with B's token
    const mk = async (path: string, body: unknown) => {
      const r = await as(t, b, "PUT", path, body);
      assert.ok(r.status < 300, `${path}: ${r.text}`);
    };
    await mk("/api/pools/bpool", {
      description: "secret-b pool",
      members: [{ address: be.address }],
    });
    await mk("/api/sites/bsite", {
      description: "secret-b site",
      server_names: ["www.tb.test"],
      default_pool: "bpool",
      routes: [{ name: "broute", path: "/secret-b/", pool: "bpool" }],
    });
    await mk("/api/pools/bx", { members: [{ address: be.address }] });
    await mk("/api/proxies/bproxy", {
      description: "secret-b proxy",
      domain: "api.tb.test",
      upstream_host: "127.0.0.1",
      upstream_port: be.port,
      require_healthy: false,
    });
    assert.equal((await t.viaNginx("www.tb.test", "/secret-b/x")).text, "be /secret-b/x");
    // one of B's changes that nginx -t refuses: the host's health names it (refused and reverted)
    const refused = await as(t, b, "PUT", "/api/sites/bbad", {
      server_names: ["bad.tb.test"],
      extra_blocks: [{ zone: "top", content: "gzip maybe;" }],
    });
    assert.equal(refused.body.error?.code, "NGINX_TEST_FAILED", refused.text);
    // the host's health names none of B's entities to A (no name of B's in A's request here)
    const health = await as(t, a, "GET", "/api/health");
    assert.equal(health.status, 200);
    const bNames = ["bpool", "bsite", "broute", "bproxy", "bbad", "tb", "secret-b", "ci-b"];
    // (the store's names of B's are qualified: tb__bsite)
    const named = (text: string) =>
      bNames.filter((n) => new RegExp(`(?:\\b|__)${n}\\b`).test(text));
    assert.ok(
      named(JSON.stringify((await t.api("GET", "/api/health")).body)).length > 0,
      "the host's health names B's",
    );
    assert.deepEqual(named(health.text), [], `health leaks: ${health.text.slice(380, 1500)}`);
    assert.equal(health.body.nginx.running, true, "what is the host's, not an entity's, is kept");
    // B's records: A's requests below may make A's own of the same names, never touch B's
    const snapshot = async () =>
      JSON.stringify([...(await t.agent.rt.store.all())].filter(([, r]) => r.tenant === "tb"));
    const before = await snapshot();
    // What only B's records hold (A's requests name B's entities, so names echo back).
    const MARKERS = ["secret-b", "ci-b"];

    // every endpoint, B's names in the path, a body that would take B's things
    const doc = (await t.api("GET", "/api/openapi.json")).body;
    const params: Record<string, string> = {
      name: "bsite",
      route: "broute",
      address: be.address,
      job: "expiry",
      id: "x",
    };
    const nameFor = (path: string) =>
      path.startsWith("/api/pools")
        ? "bpool"
        : path.startsWith("/api/proxies")
        ? "bproxy"
        : "bsite";
    let tried = 0;
    for (const [path, methods] of Object.entries(doc.paths as Record<string, object>)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(
          /\{(\w+)\}/g,
          (_m, p) => encodeURIComponent(p === "name" ? nameFor(path) : params[p]),
        );
        const body = method === "get" || method === "delete" ? undefined : {
          server_names: ["www.tb.test"],
          domain: "api.tb.test",
          upstream_host: "127.0.0.1",
          upstream_port: be.port,
          members: [{ address: be.address }],
          domains: ["tb.test"],
          pool: "bpool",
          path: "/z/",
          require_healthy: false,
          role: "admin",
          sites: { bsite: {} },
        };
        const r = await as(t, a, method.toUpperCase(), url, body);
        tried++;
        const leaked = MARKERS.filter((m) => r.text.includes(m));
        assert.deepEqual(
          leaked,
          [],
          `${method.toUpperCase()} ${url} -> ${r.status}: ${r.text.slice(0, 300)}`,
        );
        if (url === "/api/plan" || url === "/api/apply") {
          // within tenant A: the body's bsite is A's own, never B's
          assert.ok(!r.text.includes("tb__") && !/"tenant":"tb"/.test(r.text), r.text);
        } else if (method !== "get" && r.status < 400) {
          // allowed only as A's own record of that name (B's are checked below, unchanged)
          const own = await as(t, a, "GET", url.split("/").slice(0, 4).join("/"));
          assert.equal(own.status, 200, `${method} ${url}: ${r.text.slice(0, 200)}`);
          assert.ok(!own.text.includes("tb"), `${method} ${url} reached B's: ${own.text}`);
        }
      }
    }
    assert.ok(tried >= 40, `${tried} endpoints tried`);

    assert.equal(await snapshot(), before, "nothing of tenant B changed");
    assert.equal((await t.viaNginx("www.tb.test", "/secret-b/y")).text, "be /secret-b/y");

    // A's own work: listed, served, audited under its token; B's audit invisible to A
    const own = await as(t, a, "PUT", "/api/sites/asite", {
      server_names: ["ta.test"],
      routes: [],
    });
    assert.equal(own.status, 201, own.text);
    // (bsite: A's own, made by the loop's apply within tenant A)
    const aSites = (await as(t, a, "GET", "/api/sites")).body.sites;
    assert.deepEqual(aSites.map((s: { name: string }) => s.name), ["asite", "bsite"]);
    assert.ok(aSites.every((s: { tenant: string }) => s.tenant === "ta"));
    const audit = (await as(t, a, "GET", "/api/audit")).body.entries;
    assert.ok(audit.length >= 1);
    assert.ok(audit.every((e: { tenant: string }) => e.tenant === "ta"));
    assert.equal(audit[0].actor, "token:ci-a@ta", "the audit entry names the token and its tenant");
    const rootAudit = (await t.api("GET", "/api/audit")).body.entries;
    assert.ok(rootAudit.some((e: { actor: string }) => e.actor === "token:ci-b@tb"));

    // lists whose entries are views (a certificate's), paged or not: A's own are listed
    await t.agent.rt.store.write(() => ({
      ops: [{
        type: "put",
        kind: "cert",
        name: "acert",
        spec: { domains: ["a.ta.test"], status: "pending", failures: [] },
        tenant: "ta",
      }],
      actor: "test",
      action: "test",
    }));
    const certs = (await as(t, a, "GET", "/api/certs")).body.certs;
    assert.deepEqual(certs.map((x: { name: string }) => x.name), ["acert"]);
    const paged = (await as(t, a, "GET", "/api/sites?per_page=10")).body;
    assert.deepEqual([paged.total, paged.items.map((x: { name: string }) => x.name)], [2, [
      "asite",
      "bsite",
    ]]);
    // B's domain, a name outside A's suffixes, B's pool: refused, naming the server name
    const claim = await as(t, a, "PUT", "/api/sites/steal", { server_names: ["shop.tb.test"] });
    assert.equal(claim.status, 403);
    assert.equal(claim.body.error.code, "FORBIDDEN");
    assert.match(
      claim.body.error.message,
      /server name shop\.tb\.test is outside tenant ta's domains/,
    );
    const px = await as(t, a, "PUT", "/api/proxies/p2", {
      domain: "evil.example",
      upstream_host: "127.0.0.1",
      upstream_port: 1,
      require_healthy: false,
    });
    assert.equal(px.status, 403);
    assert.match(px.body.error.message, /evil\.example/);
    const ref = await as(t, a, "PUT", "/api/sites/s2", {
      server_names: ["s2.ta.test"],
      default_pool: "bx",
    });
    assert.equal(ref.status, 400);
    assert.match(ref.body.error.message, /pool "bx" does not exist/);
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("tokens: listed without secrets, a viewer only reads, expired and revoked tokens are refused", async () => {
  const t = await startTestAgent();
  try {
    assert.equal((await t.api("PUT", "/api/tenants/ta", { domains: ["*.ta.test"] })).status, 201);
    const viewer = await token(t, { tenant: "ta", role: "viewer", name: "look" });
    const shortLived = await token(t, {
      tenant: "ta",
      role: "operator",
      name: "brief",
      expires: "1s",
    });
    const revoked = await token(t, { tenant: "ta", role: "operator", name: "gone" });
    const admin = await token(t, { role: "admin", name: "boss" });

    const list = (await t.api("GET", "/api/tokens")).body.tokens;
    assert.equal(list.length, 4);
    const text = JSON.stringify(list);
    for (const s of [viewer, shortLived, revoked, admin]) {
      assert.ok(!text.includes(s.slice(3)), "no secret listed");
    }
    assert.ok(!text.includes("hash"));

    assert.equal((await as(t, viewer, "GET", "/api/sites")).status, 200);
    const w = await as(t, viewer, "PUT", "/api/sites/x", { server_names: ["x.ta.test"] });
    assert.equal(w.status, 403);
    assert.match(w.body.error.message, /viewer only reads/);
    assert.equal((await as(t, viewer, "GET", "/api/tokens")).status, 403, "tokens are the admin's");
    assert.equal((await as(t, admin, "GET", "/api/tokens")).status, 200);
    assert.equal(
      (await as(t, admin, "PUT", "/api/tenants/tc", { domains: ["tc.test"] })).status,
      201,
    );

    assert.equal((await as(t, shortLived, "GET", "/api/sites")).status, 200);
    const id = list.find((x: { name: string }) => x.name === "gone").id;
    assert.equal((await t.api("DELETE", `/api/tokens/${id}`)).status, 200);
    const r = await as(t, revoked, "GET", "/api/sites");
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /revoked/);
    await sleep(1300);
    const e = await as(t, shortLived, "GET", "/api/sites");
    assert.equal(e.status, 401);
    assert.match(e.body.error.message, /expired/);
    const forged = await as(t, viewer.slice(0, -4) + "0000", "GET", "/api/sites");
    assert.equal(forged.status, 401);
    const after = (await t.api("GET", "/api/tokens")).body.tokens;
    assert.deepEqual(after.map((x: { status: string }) => x.status).sort(), [
      "active",
      "active",
      "expired",
      "revoked",
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("declarative files per tenant: a tenant token applies its own file, with its own names (another tenant's too), never another's domains or records; --prune stays within its tenant", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    for (const [n, d] of [["ta", ["*.ta.test"]], ["tb", ["*.tb.test"]]] as const) {
      assert.equal((await t.api("PUT", `/api/tenants/${n}`, { domains: d })).status, 201);
    }
    const a = await token(t, { tenant: "ta", role: "operator", name: "ci-a" });
    const b = await token(t, { tenant: "tb", role: "operator", name: "ci-b" });
    const pool = { members: [{ address: be.address }] };
    const bDoc = {
      pools: { bweb: pool },
      sites: { bsite: { server_names: ["www.tb.test"], default_pool: "bweb" } },
    };
    const rb = await as(t, b, "POST", "/api/apply", bDoc);
    assert.equal(rb.status, 200, rb.text);
    assert.deepEqual(rb.body.applied, ["pool/bweb", "site/bsite"]);

    const aDoc = {
      pools: { web: pool },
      sites: {
        shop: { server_names: ["shop.ta.test"], default_pool: "web" },
        steal: { server_names: ["x.tb.test"], default_pool: "web" },
        bsite: { server_names: ["b.ta.test"], default_pool: "web" },
        borrow: { server_names: ["borrow.ta.test"], default_pool: "bweb" },
      },
    };
    const plan = await as(t, a, "POST", "/api/plan?prune=true", aDoc);
    assert.equal(plan.status, 200, plan.text);
    const errs = plan.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)
      .sort();
    assert.deepEqual(errs, [
      "sites.borrow.default_pool VALIDATION_FAILED",
      "sites.steal.server_names[0] FORBIDDEN",
    ]);
    assert.ok(
      !plan.body.changes.some((c: { action: string }) => c.action === "delete"),
      "B's records are not A's to prune",
    );
    const ra = await as(t, a, "POST", "/api/apply?prune=true", aDoc);
    assert.deepEqual(ra.body.applied, ["pool/web", "site/bsite", "site/shop"]);
    assert.equal(ra.body.refused.length, 2);
    assert.equal(
      (await t.api("GET", "/api/sites/ta__shop")).body.tenant,
      "ta",
      "created within tenant ta, under its qualified name",
    );
    assert.equal((await t.api("GET", "/api/sites/tb__bsite")).body.tenant, "tb");
    assert.equal((await t.api("GET", "/api/sites/ta__bsite")).body.tenant, "ta");
    assert.equal((await t.viaNginx("b.ta.test", "/a")).text, "be /a");
    assert.equal((await t.viaNginx("shop.ta.test", "/s")).text, "be /s");
    assert.equal((await t.viaNginx("www.tb.test", "/b")).text, "be /b");
    const other = await as(t, a, "POST", "/api/plan?tenant=tb", aDoc);
    assert.equal(other.status, 403);
  } finally {
    await t.close();
    await be.close();
  }
});
