// nanio's endpoints the agent lacked: members and routes lists, the audit
// filter entity_type, and /api/docs (the reference page served by the binary).
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";

Deno.test("GET pools/{name}/members, sites/{name}/routes, audit entity_type, /api/docs", async () => {
  const t = await startTestAgent();
  try {
    const members = [{ address: "127.0.0.1:9001" }, { address: "127.0.0.1:9002", weight: 3 }];
    assert.equal((await t.api("PUT", "/api/pools/web", { members })).status, 201);
    const site = await t.api("PUT", "/api/sites/app", {
      server_names: ["app.test"],
      default_pool: "web",
      routes: [{ name: "api", path: "/api/", pool: "web" }],
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));

    const m = await t.api("GET", "/api/pools/web/members");
    assert.equal(m.status, 200, JSON.stringify(m.body));
    assert.deepEqual(m.body.members.map((x: { address: string }) => x.address), [
      "127.0.0.1:9001",
      "127.0.0.1:9002",
    ]);
    assert.equal(m.body.members[1].weight, 3);
    assert.equal((await t.api("GET", "/api/pools/nope/members")).status, 404);

    const r = await t.api("GET", "/api/sites/app/routes");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.routes.map((x: { name: string }) => x.name), ["api"]);
    assert.equal((await t.api("GET", "/api/sites/nope/routes")).status, 404);

    const pools = await t.api("GET", "/api/audit?entity_type=pool");
    assert.ok(pools.body.entries.length >= 1);
    assert.ok(
      pools.body.entries.every((e: { entity: { kind: string } }) => e.entity.kind === "pool"),
    );
    const sites = await t.api("GET", "/api/audit?entity_type=site");
    assert.ok(sites.body.entries.length >= 1);
    assert.ok(
      sites.body.entries.every((e: { entity: { kind: string } }) => e.entity.kind === "site"),
    );

    // The reference page: public, no third-party origin, and its script is ours.
    const page = await t.agent.app.request("/api/docs");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Switchyard API reference/);
    assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)[a-z]/i, "no CDN or remote asset");
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    const js = await t.agent.app.request("/api/docs/docs.js");
    assert.equal(js.status, 200);
    assert.match(await js.text(), /\/api\/openapi\.json/);
    const doc = await (await t.agent.app.request("/api/openapi.json")).json();
    for (const p of ["/api/pools/{name}/members", "/api/sites/{name}/routes", "/api/docs"]) {
      assert.ok(doc.paths[p]?.get, `${p} in the OpenAPI document`);
    }
  } finally {
    await t.close();
  }
});
