// API surface: health, OpenAPI, audit filters, previews, validate, sub-resources.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

Deno.test("API: health is public and secret-free; everything else needs the key", async () => {
  const t = await startTestAgent();
  try {
    const anon = await t.agent.app.request("/api/health");
    assert.equal(anon.status, 200);
    const text = await anon.text();
    assert.ok(!text.includes(t.agent.rt.apiKey), "health must not leak the API key");
    const h = JSON.parse(text);
    assert.equal(h.status, "ok");
    assert.equal(h.nginx.running, true);
    assert.match(h.nginx.version, /^\d+\.\d+\.\d+$/);

    assert.equal((await t.agent.app.request("/api/pools")).status, 401);
    const bearer = await t.agent.app.request("/api/pools", {
      headers: { authorization: `Bearer ${t.agent.rt.apiKey}` },
    });
    assert.equal(bearer.status, 200);
    assert.deepEqual(await bearer.json(), { pools: [] });

    const doc = await (await t.agent.app.request("/api/openapi.json")).json();
    assert.equal(doc.openapi, "3.1.0");
    for (
      const p of [
        "/api/pools/{name}",
        "/api/sites/{name}/routes/{route}",
        "/api/config/apply",
        "/api/audit",
      ]
    ) {
      assert.ok(doc.paths[p], `openapi lists ${p}`);
    }
    assert.equal(doc.components.schemas.Site.additionalProperties, false);
  } finally {
    await t.close();
  }
});

Deno.test("API: members and routes as sub-resources, previews, validate, generations, audit filters", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    const started = new Date().toISOString();
    await t.api("PUT", "/api/pools/web", { members: [] });
    const m = await t.api("PUT", `/api/pools/web/members/${encodeURIComponent(be.address)}`, {
      weight: 3,
    });
    assert.equal(m.status, 200);
    assert.equal(m.body.members[0].weight, 3);
    assert.equal((await t.api("DELETE", "/api/pools/web/members/127.0.0.1:1")).status, 404);
    assert.equal((await t.api("PUT", "/api/pools/nope/members/127.0.0.1:1", {})).status, 404);

    await t.api("PUT", "/api/sites/app", { server_names: ["app.test"] });
    const r = await t.api("PUT", "/api/sites/app/routes/api", {
      path: "/api/",
      pool: "web",
      strip_prefix: true,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.routes[0].name, "api");
    assert.equal((await t.viaNginx("app.test", "/api/v1")).text, "be /v1");
    const got = await t.api("GET", "/api/sites/app/routes/api");
    assert.equal(got.body.path, "/api/");

    const preview = await t.api("GET", "/api/config/preview/sites/app");
    assert.equal(preview.status, 200);
    assert.match(preview.body, /location \/api\/ \{\n\s+proxy_pass http:\/\/sy_web\/;/);
    assert.match(
      (await t.api("GET", "/api/config/preview/pools/web")).body,
      /server 127\.0\.0\.1:\d+ weight=3;/,
    );
    assert.equal((await t.api("GET", "/api/config/preview/sites/none")).status, 404);

    const v = await t.api("POST", "/api/config/validate");
    assert.equal(v.body.ok, true, JSON.stringify(v.body));
    assert.match(v.body.output, /test is successful/);

    const gens = await t.api("GET", "/api/config/generations");
    assert.ok(gens.body.generations.length >= 3);
    assert.equal(gens.body.generations.filter((g: { current: boolean }) => g.current).length, 1);

    const del = await t.api("DELETE", "/api/sites/app/routes/api");
    assert.equal(del.status, 200);
    assert.equal((await t.viaNginx("app.test", "/api/v1")).status, 404);

    const all = await t.api("GET", `/api/audit?from=${encodeURIComponent(started)}`);
    const actions = all.body.entries.map((e: { action: string }) => e.action);
    for (const a of ["pool.put", "member.put", "site.put", "route.put", "route.delete", "apply"]) {
      assert.ok(actions.includes(a), a);
    }
    const routeOnly = await t.api("GET", "/api/audit?entity=site/app&action=route.put");
    assert.equal(routeOnly.body.entries.length, 1);
    assert.equal(routeOnly.body.entries[0].outcome, "applied");
    assert.equal(routeOnly.body.entries[0].actor, "api");
    assert.equal(routeOnly.body.entries[0].before.routes.length, 0);
    assert.equal(routeOnly.body.entries[0].after.routes.length, 1);
    const paged = await t.api("GET", "/api/audit?page=1&page_size=2");
    assert.equal(paged.body.entries.length, 2);
    assert.equal(paged.body.has_more, true);
    const future = await t.api("GET", "/api/audit?from=2999-01-01");
    assert.equal(future.body.entries.length, 0);
    const bad = await t.api("GET", "/api/audit?from=yesterday");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.detail.field, "from");
  } finally {
    await t.close();
    await be.close();
  }
});
