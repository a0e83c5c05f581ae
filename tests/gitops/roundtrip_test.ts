// export -> apply into an empty agent -> export is byte-identical, the plan of
// the exported file is empty, and what was applied answers through nginx.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { startCliAgent } from "./helpers.ts";

for (const format of ["toml", "yaml", "json"] as const) {
  Deno.test(`gateway as code (${format}): export, import into an empty agent, export again: identical; plan of it is empty`, async () => {
    const be = httpBackend("be");
    const a = await startCliAgent();
    const b = await startCliAgent();
    try {
      const put = async (path: string, body: unknown) => {
        const r = await a.api("PUT", path, body);
        assert.ok(r.status < 300, `${path}: ${JSON.stringify(r.body)}`);
      };
      await put("/api/pools/web", { members: [{ address: be.address, weight: 2 }], keepalive: 8 });
      await put("/api/sites/shop", {
        server_names: ["shop.test", "www.shop.test"],
        default_pool: "web",
        response_headers: { "X-Shop": "1" },
        routes: [
          { name: "api", path: "/api/", pool: "web", strip_prefix: true, websocket: true },
          {
            name: "old",
            path: "/old",
            match: "exact",
            redirect: { url: "https://shop.test/new", code: 302 },
          },
        ],
      });
      await put("/api/proxies/api", {
        domain: "api.test",
        upstream_host: "127.0.0.1",
        upstream_port: be.port,
        require_healthy: false,
      });
      const file = `${a.dir}/state.${format}`;
      const ex = await a.cli(["export", "--format", format, "--out", file]);
      assert.equal(ex.code, 0, ex.err);
      const text = await Deno.readTextFile(file);
      if (format === "toml") {
        assert.match(text, /^\[pools\.web\]$/m);
        assert.match(text, /^\[\[sites\.shop\.routes\]\]$/m);
        assert.match(text, /^\[proxies\.api\]$/m);
        assert.doesNotMatch(text, /\[sites\.api\]/, "the proxy's own site is carried by the proxy");
      }
      const planA = await a.cli(["plan", file]);
      assert.equal(planA.code, 0, planA.err);
      assert.match(planA.out, /^0 change\(s\), 3 unchanged$/m);

      const applied = await b.cli(["apply", file]);
      assert.equal(applied.code, 0, applied.err + applied.out);
      assert.match(applied.out, /applied: 3 applied, 0 deleted, 0 unchanged, 0 refused/);
      const again = `${b.dir}/again.${format}`;
      assert.equal((await b.cli(["export", "--format", format, "--out", again])).code, 0);
      assert.equal(
        await Deno.readTextFile(again),
        text,
        "export of a fresh import is byte-identical",
      );
      assert.match((await b.cli(["plan", again])).out, /^0 change\(s\), 3 unchanged$/m);

      assert.equal((await b.viaNginx("shop.test", "/api/x")).text, "be /x");
      assert.equal((await b.viaNginx("api.test", "/y")).text, "be /y");
      const old = await b.viaNginx("www.shop.test", "/old");
      assert.equal(old.status, 302);
    } finally {
      await a.close();
      await b.close();
      await be.close();
    }
  });
}

Deno.test("gateway as code with tenants: export keeps each entity's tenant through an import; a tenant's export holds only its own", async () => {
  const be = httpBackend("be");
  const a = await startCliAgent();
  const b = await startCliAgent();
  try {
    for (const [n, d] of [["ta", ["*.ta.test"]], ["tb", ["*.tb.test"]]] as const) {
      assert.equal((await a.api("PUT", `/api/tenants/${n}`, { domains: d })).status, 201);
    }
    const token = async (tenant: string) =>
      (await a.api("POST", "/api/tokens", { tenant, role: "operator", name: `ci-${tenant}` }))
        .body.token as string;
    const ta = await token("ta");
    const tb = await token("tb");
    const as = async (tok: string, method: string, path: string, body?: unknown) => {
      const r = await a.agent.app.request(path, {
        method,
        headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    };
    const pool = { members: [{ address: be.address }] };
    for (
      const [tok, path, body] of [
        [ta, "/api/pools/apool", pool],
        [ta, "/api/sites/asite", { server_names: ["shop.ta.test"], default_pool: "apool" }],
        [tb, "/api/sites/bsite", { server_names: ["www.tb.test"] }],
      ] as const
    ) {
      const r = await as(tok, "PUT", path, body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    assert.equal(
      (await a.api("PUT", "/api/sites/plain", { server_names: ["plain.test"] })).status,
      201,
    );

    const file = `${a.dir}/state.toml`;
    assert.equal((await a.cli(["export", "--out", file])).code, 0);
    const text = await Deno.readTextFile(file);
    assert.match(text, /^\[sites\.ta__asite\]\ntenant = "ta"$/m, "the file says whose site it is");
    assert.match(text, /^\[pools\.ta__apool\]\ntenant = "ta"$/m);
    assert.match(text, /^\[sites\.tb__bsite\]\ntenant = "tb"$/m);
    assert.doesNotMatch(text, /^\[sites\.plain\]\ntenant/m, "a host record names no tenant");
    assert.match((await a.cli(["plan", file])).out, /^0 change\(s\), 6 unchanged$/m);

    const applied = await b.cli(["apply", file]);
    assert.equal(applied.code, 0, applied.err + applied.out);
    const again = `${b.dir}/again.toml`;
    assert.equal((await b.cli(["export", "--out", again])).code, 0);
    assert.equal(await Deno.readTextFile(again), text, "byte-identical with tenants present");
    assert.equal((await b.api("GET", "/api/sites/ta__asite")).body.tenant, "ta");
    assert.equal((await b.api("GET", "/api/pools/ta__apool")).body.tenant, "ta");
    assert.equal((await b.api("GET", "/api/sites/tb__bsite")).body.tenant, "tb");
    assert.equal((await b.api("GET", "/api/sites/plain")).body.tenant, undefined);
    assert.equal((await b.viaNginx("shop.ta.test", "/x")).text, "be /x");

    // a tenant's export: its token, or an admin's --tenant
    const mine = await as(ta, "GET", "/api/export");
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const all = (await a.api("GET", "/api/export")).body.document;
    assert.deepEqual(mine.body.document, {
      // the tenant's names are plain in its own file
      pools: { apool: all.pools.ta__apool },
      sites: { asite: { ...all.sites.ta__asite, default_pool: "apool" } },
    });
    assert.equal((await as(ta, "GET", "/api/export?tenant=tb")).status, 403);
    const onlyB = await a.cli(["export", "--tenant", "tb", "--format", "json"]);
    assert.equal(onlyB.code, 0, onlyB.err);
    assert.deepEqual(Object.keys(JSON.parse(onlyB.out).sites), ["bsite"]);
    assert.equal(JSON.parse(onlyB.out).pools, undefined);
    assert.equal(JSON.parse(onlyB.out).tenants, undefined);

    // a tenant's file naming another tenant is refused at that field
    const steal = await as(ta, "POST", "/api/plan", {
      sites: { s2: { tenant: "tb", server_names: ["s2.ta.test"] } },
    });
    assert.deepEqual(
      steal.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`),
      ["sites.s2.tenant FORBIDDEN"],
    );
    // an admin's file: the tenant must exist and cover the names
    const bad = await a.api("POST", "/api/plan", {
      sites: {
        s3: { tenant: "nobody", server_names: ["s3.test"] },
        s4: { tenant: "ta", server_names: ["s4.tb.test"] },
        // a tenant's qualified name says whose it is
        ta__s5: { tenant: "tb", server_names: ["s5.tb.test"] },
        ta__s6: { server_names: ["s6.ta.test"] },
      },
    });
    assert.deepEqual(
      bad.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`).sort(),
      [
        "sites.s3.tenant VALIDATION_FAILED",
        "sites.s4.server_names[0] FORBIDDEN",
        "sites.ta__s5.tenant VALIDATION_FAILED",
        "sites.ta__s6.tenant VALIDATION_FAILED",
      ],
    );
  } finally {
    await a.close();
    await b.close();
    await be.close();
  }
});
