// Refusals through the API of a real agent (private nginx, KV on disk): body
// parsing, sizes, unknown names, rules across entities, If-Match and auth.
// Every refusal asserts the code and what it names; every one has an accepted twin.
import assert from "node:assert/strict";
import { freePort, startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

// deno-lint-ignore no-explicit-any
type Res = { status: number; body: any };

function refusal(r: Res, status: number, code: string, field?: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  assert.equal(typeof r.body.error.message, "string");
  if (field !== undefined) {
    assert.equal(r.body.error.detail.field, field, JSON.stringify(r.body));
    assert.ok(r.body.error.message.startsWith(`${field}: `), r.body.error.message);
  }
}

async function raw(
  t: TestAgent,
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
): Promise<Res> {
  const r = await t.agent.app.request(path, { method, headers, body });
  const text = await r.text();
  try {
    return { status: r.status, body: JSON.parse(text) };
  } catch {
    return { status: r.status, body: text };
  }
}

Deno.test("API: malformed JSON, wrong types and unknown fields are 400 naming the field; nothing is stored", async () => {
  const t = await startTestAgent();
  try {
    const key = { "x-agent-key": t.agent.rt.apiKey, "content-type": "application/json" };
    for (const body of ["{bad json", '{"members": [', "{'a': 1}", "nul"]) {
      const r = await raw(t, "PUT", "/api/pools/web", body, key);
      refusal(r, 400, "VALIDATION_FAILED", "(body)");
      assert.match(r.body.error.message, /malformed JSON/);
    }
    refusal(await t.api("PUT", "/api/pools/web", "[1]"), 400, "VALIDATION_FAILED", "(body)");
    refusal(await t.api("PUT", "/api/pools/web", '"web"'), 400, "VALIDATION_FAILED", "(body)");
    refusal(
      await t.api("PUT", "/api/pools/web", { colour: 1 }),
      400,
      "VALIDATION_FAILED",
      "colour",
    );
    refusal(
      await t.api("PUT", "/api/pools/web", { keepalive: "32" }),
      400,
      "VALIDATION_FAILED",
      "keepalive",
    );
    refusal(
      await t.api("PUT", "/api/pools/web", { members: [{ address: "10.0.0.1:80", weight: "2" }] }),
      400,
      "VALIDATION_FAILED",
      "members[0].weight",
    );
    refusal(await t.api("PUT", "/api/pools/Web", {}), 400, "VALIDATION_FAILED", "name");
    refusal(
      await t.api("PUT", "/api/sites/app", { server_names: "app.test" }),
      400,
      "VALIDATION_FAILED",
      "server_names",
    );
    refusal(
      await t.api("PUT", "/api/sites/app", {
        server_names: ["app.test"],
        extra_blocks: [{ zone: "top", content: '"include" /etc/shadow;' }],
      }),
      400,
      "VALIDATION_FAILED",
      "extra_blocks[0].content",
    );
    assert.deepEqual((await t.api("GET", "/api/pools")).body, { pools: [] });
    assert.deepEqual((await t.api("GET", "/api/sites")).body, { sites: [] });

    // The accepted twins; then the sub-resources name fields where they sit.
    assert.equal((await t.api("PUT", "/api/pools/web", {})).status, 201);
    assert.equal(
      (await t.api("PUT", "/api/sites/app", { server_names: ["app.test"] })).status,
      201,
    );
    await t.api("PUT", "/api/sites/app/routes/one", { path: "/one/", pool: "web" });
    refusal(
      await t.api("PUT", "/api/sites/app/routes/two", { path: "/a b/", pool: "web" }),
      400,
      "VALIDATION_FAILED",
      "routes[1].path",
    );
    refusal(
      await t.api("PUT", "/api/sites/app/routes/one", { path: "/one/", pool: "web", x: 1 }),
      400,
      "VALIDATION_FAILED",
      "routes[0].x",
    );
    refusal(
      await t.api("PUT", "/api/sites/app/routes/Two", { path: "/two/", pool: "web" }),
      400,
      "VALIDATION_FAILED",
      "name",
    );
    refusal(
      await t.api("PUT", "/api/pools/web/members/10.0.0.1", {}),
      400,
      "VALIDATION_FAILED",
      "address",
    );
    refusal(
      await t.api("PUT", "/api/pools/web/members/10.0.0.1%3A80", { weight: 0 }),
      400,
      "VALIDATION_FAILED",
      "weight",
    );
    assert.equal((await t.api("PUT", "/api/pools/web/members/10.0.0.1%3A80", {})).status, 200);
    refusal(
      await t.api("PUT", "/api/pools/web", {}, { "if-match": "abc" }),
      400,
      "VALIDATION_FAILED",
      "If-Match",
    );
  } finally {
    await t.close();
  }
});

Deno.test("API: bodies over 1 MiB are 413; unknown names and endpoints are 404 NOT_FOUND", async () => {
  const t = await startTestAgent();
  try {
    const key = { "x-agent-key": t.agent.rt.apiKey, "content-type": "application/json" };
    const big = JSON.stringify({ description: "x".repeat(1024 * 1024 + 1) });
    refusal(await raw(t, "PUT", "/api/pools/web", big, key), 413, "PAYLOAD_TOO_LARGE");
    // Without a Content-Length (a stream), the limit holds while reading.
    const stream = new Blob([big]).stream();
    refusal(await raw(t, "PUT", "/api/sites/web", stream, key), 413, "PAYLOAD_TOO_LARGE");
    // Just under the limit the body is read and validated (the description is too long).
    const under = JSON.stringify({ description: "x".repeat(1024 * 1024 - 100) });
    refusal(
      await raw(t, "PUT", "/api/pools/web", under, key),
      400,
      "VALIDATION_FAILED",
      "description",
    );

    for (
      const [method, path, kind, name] of [
        ["GET", "/api/pools/nope", "pool", "nope"],
        ["DELETE", "/api/pools/nope", "pool", "nope"],
        ["GET", "/api/sites/nope", "site", "nope"],
        ["DELETE", "/api/sites/nope", "site", "nope"],
        ["PUT", "/api/sites/nope/routes/r", "site", "nope"],
        ["DELETE", "/api/sites/nope/routes/r", "site", "nope"],
        ["PUT", "/api/pools/nope/members/10.0.0.1%3A80", "pool", "nope"],
        ["GET", "/api/config/preview/sites/nope", undefined, undefined],
      ]
    ) {
      const body = method !== "PUT"
        ? undefined
        : path!.includes("/routes/")
        ? { path: "/r/", pool: "p" }
        : {};
      const r = await t.api(method!, path!, body);
      refusal(r, 404, "NOT_FOUND");
      if (kind) assert.deepEqual(r.body.error.detail, { kind, name }, path);
    }
    refusal(await t.api("GET", "/api/nothing-here"), 404, "NOT_FOUND");

    await t.api("PUT", "/api/pools/p", {});
    await t.api("PUT", "/api/sites/s", { server_names: ["s.test"] });
    assert.equal((await t.api("GET", "/api/pools/p")).status, 200);
    assert.equal((await t.api("GET", "/api/sites/s")).status, 200);
    const noRoute = await t.api("DELETE", "/api/sites/s/routes/r");
    refusal(noRoute, 404, "NOT_FOUND");
    assert.match(noRoute.body.error.message, /has no route r/);
    refusal(await t.api("GET", "/api/sites/s/routes/r"), 404, "NOT_FOUND");
    const noMember = await t.api("DELETE", "/api/pools/p/members/10.0.0.1%3A80");
    refusal(noMember, 404, "NOT_FOUND");
    assert.match(noMember.body.error.message, /has no member 10\.0\.0\.1:80/);
  } finally {
    await t.close();
  }
});

Deno.test("API: a site's pools must exist; a pool in use cannot be deleted", async () => {
  const be = httpBackend("web");
  const t = await startTestAgent();
  try {
    const missing = await t.api("PUT", "/api/sites/a", {
      server_names: ["a.test"],
      default_pool: "web",
    });
    refusal(missing, 400, "VALIDATION_FAILED", "default_pool");
    assert.match(missing.body.error.message, /pool "web" does not exist/);
    const inRoute = await t.api("PUT", "/api/sites/b", {
      server_names: ["b.test"],
      routes: [
        { name: "static", path: "/s/", static: { root: "/srv" } },
        { name: "api", path: "/api/", pool: "api" },
      ],
    });
    refusal(inRoute, 400, "VALIDATION_FAILED", "routes[1].pool");
    assert.match(inRoute.body.error.message, /pool "api" does not exist/);

    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    assert.equal(
      (await t.api("PUT", "/api/sites/a", { server_names: ["a.test"], default_pool: "web" }))
        .status,
      201,
    );
    assert.equal((await t.api("PUT", "/api/sites/b", { server_names: ["b.test"] })).status, 201);
    refusal(
      await t.api("PUT", "/api/sites/b/routes/api", { path: "/api/", pool: "api" }),
      400,
      "VALIDATION_FAILED",
      "routes[0].pool",
    );
    assert.equal(
      (await t.api("PUT", "/api/sites/b/routes/api", { path: "/api/", pool: "web" })).status,
      200,
    );

    const inUse = await t.api("DELETE", "/api/pools/web");
    refusal(inUse, 409, "CONFLICT");
    assert.deepEqual(inUse.body.error.detail.sites, ["a", "b"]);
    assert.match(inUse.body.error.message, /used by site\(s\) a, b/);
    assert.equal((await t.api("GET", "/api/pools/web")).status, 200);
    assert.equal(
      (await t.viaNginx("a.test", "/x")).text,
      "web /x",
      "the refused delete changed nothing",
    );

    await t.api("DELETE", "/api/sites/a");
    const stillB = await t.api("DELETE", "/api/pools/web");
    refusal(stillB, 409, "CONFLICT");
    assert.deepEqual(stillB.body.error.detail.sites, ["b"]);
    await t.api("DELETE", "/api/sites/b/routes/api");
    const gone = await t.api("DELETE", "/api/pools/web");
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    assert.equal(gone.body.deleted, true);
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("API: two sites cannot claim one server name on one port; other ports are fine", async () => {
  const one = httpBackend("one");
  const two = httpBackend("two");
  const t = await startTestAgent();
  try {
    await t.api("PUT", "/api/pools/one", { members: [{ address: one.address }] });
    await t.api("PUT", "/api/pools/two", { members: [{ address: two.address }] });
    const first = await t.api("PUT", "/api/sites/one", {
      server_names: ["shared.test", "one.test"],
      default_pool: "one",
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));

    const clash = await t.api("PUT", "/api/sites/two", {
      server_names: ["two.test", "shared.test"],
      default_pool: "two",
    });
    refusal(clash, 409, "CONFLICT");
    assert.equal(clash.body.error.detail.field, "server_names");
    assert.equal(clash.body.error.detail.server_name, "shared.test");
    assert.equal(clash.body.error.detail.port, t.httpPort);
    assert.equal(clash.body.error.detail.holder, "site/one");
    assert.match(
      clash.body.error.message,
      /shared\.test on port \d+ is already claimed by site one/,
    );
    refusal(await t.api("GET", "/api/sites/two"), 404, "NOT_FOUND");
    assert.equal((await t.viaNginx("shared.test", "/")).text, "one /");

    // The same name on another port is another claim.
    const otherPort = freePort();
    const elsewhere = await t.api("PUT", "/api/sites/two", {
      server_names: ["two.test", "shared.test"],
      listen: [{ port: otherPort, address: "127.0.0.1" }],
      default_pool: "two",
    });
    assert.equal(elsewhere.status, 201, JSON.stringify(elsewhere.body));
    // Moving it onto the first site's port is refused; re-sending its own state is not.
    refusal(
      await t.api("PUT", "/api/sites/two", { server_names: ["shared.test"], default_pool: "two" }),
      409,
      "CONFLICT",
    );
    assert.equal(
      (await t.api("PUT", "/api/sites/one", {
        server_names: ["shared.test", "one.test"],
        default_pool: "one",
      })).status,
      200,
    );
    // A released name can be claimed.
    await t.api("DELETE", "/api/sites/one");
    const taken = await t.api("PUT", "/api/sites/two", {
      server_names: ["shared.test"],
      default_pool: "two",
    });
    assert.equal(taken.status, 200, JSON.stringify(taken.body));
    assert.equal((await t.viaNginx("shared.test", "/")).text, "two /");
  } finally {
    await t.close();
    await one.close();
    await two.close();
  }
});

Deno.test("API: If-Match mismatch is 412 and changes nothing; auth by either header; health is public", async () => {
  const t = await startTestAgent();
  try {
    const created = await t.api("PUT", "/api/pools/web", { description: "v1" });
    assert.equal(created.status, 201);
    const v = created.body.version as number;
    assert.equal(created.headers.get("etag"), `"${v}"`);
    const stale = await t.api("PUT", "/api/pools/web", { description: "v2" }, {
      "if-match": String(v + 1),
    });
    refusal(stale, 412, "PRECONDITION_FAILED");
    assert.equal(stale.body.error.detail.version, v);
    assert.equal((await t.api("GET", "/api/pools/web")).body.description, "v1");
    refusal(
      await t.api("DELETE", "/api/pools/web", undefined, { "if-match": `"${v + 5}"` }),
      412,
      "PRECONDITION_FAILED",
    );
    const fresh = await t.api("PUT", "/api/pools/web", { description: "v2" }, {
      "if-match": `"${v}"`,
    });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    assert.equal(fresh.body.version, v + 1);
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { description: "v3" }, { "if-match": `W/"${v + 1}"` }))
        .status,
      200,
    );

    // Auth: 401 without a key or with a wrong one, in either header; both forms work.
    const key = t.agent.rt.apiKey;
    const put = (headers: Record<string, string>) =>
      raw(t, "PUT", "/api/pools/sneaky", "{}", { "content-type": "application/json", ...headers });
    refusal(await put({}), 401, "UNAUTHORIZED");
    refusal(await put({ "x-agent-key": key + "x" }), 401, "UNAUTHORIZED");
    refusal(await put({ authorization: `Bearer ${key.slice(1)}` }), 401, "UNAUTHORIZED");
    refusal(await put({ authorization: `Basic ${btoa(`agent:${key}`)}` }), 401, "UNAUTHORIZED");
    refusal(await raw(t, "GET", "/api/pools"), 401, "UNAUTHORIZED");
    refusal(await raw(t, "GET", "/api/config/status"), 401, "UNAUTHORIZED");
    refusal(
      await raw(t, "GET", "/api/pools", undefined, { "x-agent-key": "" }),
      401,
      "UNAUTHORIZED",
    );
    assert.equal((await t.api("GET", "/api/pools/sneaky")).status, 404, "nothing was stored");
    assert.equal(
      (await raw(t, "GET", "/api/pools", undefined, { "x-agent-key": key })).status,
      200,
    );
    assert.equal(
      (await raw(t, "GET", "/api/pools", undefined, { authorization: `Bearer ${key}` })).status,
      200,
    );
    assert.equal(
      (await raw(t, "GET", "/api/pools", undefined, { authorization: `bearer ${key}` })).status,
      200,
    );
    assert.equal((await put({ authorization: `Bearer ${key}` })).status, 201);

    const health = await raw(t, "GET", "/api/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "ok");
    assert.ok(!JSON.stringify(health.body).includes(key), "health shows no secret");
    assert.equal((await raw(t, "GET", "/api/openapi.json")).status, 200);
  } finally {
    await t.close();
  }
});
