// The apply pipeline against a real nginx: refusals, rollback, no-ops,
// coalescing, and one bad entity in a burst.
import assert from "node:assert/strict";
import { freePort, startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { bindAfterTest } from "../helpers/late-bind.ts";
import { type Backend, httpBackend } from "../helpers/backends.ts";

/** `nginx -t` of what is on disk right now, with the real private nginx.conf. */
async function diskPassesNginxT(t: TestAgent): Promise<{ ok: boolean; output: string }> {
  const r = await new Deno.Command("nginx", {
    args: ["-p", t.settings.nginx_prefix, "-c", t.settings.nginx_conf, "-t"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { ok: r.success, output: new TextDecoder().decode(r.stderr) };
}

async function withAgent(
  fn: (t: TestAgent, be: Backend) => Promise<void>,
  overrides: Record<string, unknown> = {},
) {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides });
  try {
    const p = await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    await fn(t, be);
  } finally {
    await t.close();
    await be.close();
  }
}

Deno.test("a bad extra_blocks entry: NGINX_TEST_FAILED with nginx's message, the previous generation still serves", async () => {
  await withAgent(async (t) => {
    const good = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
    });
    assert.equal(good.status, 201);
    const gen = good.body.apply.generation;
    const reloads = t.reloads();

    const bad = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
      extra_blocks: [{ zone: "top", content: "proxy_buffers 8;" }],
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.equal(bad.body.error.code, "NGINX_TEST_FAILED");
    assert.match(
      bad.body.error.message,
      /invalid number of arguments in "proxy_buffers" directive/,
    );
    assert.match(bad.body.error.detail.nginx_output, /test failed/);
    assert.deepEqual(bad.body.error.detail.entity, { kind: "site", name: "shop" });
    assert.equal(bad.body.error.detail.file, "site-shop.conf");

    // nothing changed: same generation, no reload, the old site answers, state is the old record
    const status = await t.api("GET", "/api/config/status");
    assert.equal(status.body.generation, gen);
    assert.equal(status.body.pending_count, 0);
    assert.equal(t.reloads(), reloads);
    assert.equal((await t.viaNginx("shop.test", "/a")).text, "be /a");
    const stored = await t.api("GET", "/api/sites/shop");
    assert.deepEqual(stored.body.extra_blocks, []);
    const disk = await diskPassesNginxT(t);
    assert.ok(disk.ok, disk.output);

    // the audit log records the refusal with nginx's output
    const audit = await t.api("GET", "/api/audit?entity=site/shop&action=site.put");
    const refused = audit.body.entries.find((e: { outcome: string }) => e.outcome === "refused");
    assert.ok(refused, JSON.stringify(audit.body.entries));
    assert.match(refused.nginx_output, /proxy_buffers/);
  });
});

Deno.test("a no-op PUT causes no apply; a change that renders the same text causes no reload", async () => {
  await withAgent(async (t) => {
    const body = { server_names: ["same.test"], default_pool: "web" };
    const first = await t.api("PUT", "/api/sites/same", body);
    assert.equal(first.status, 201);
    const reloads = t.reloads();

    const again = await t.api("PUT", "/api/sites/same", body);
    assert.equal(again.status, 200);
    assert.equal(again.body.version, 1);
    assert.equal(again.body.apply.status, "unchanged");

    const described = await t.api("PUT", "/api/sites/same", {
      ...body,
      description: "the same site",
    });
    assert.equal(described.status, 200);
    assert.equal(described.body.version, 2);
    assert.equal(described.body.apply.status, "applied");
    assert.equal(described.body.apply.reloaded, false);
    assert.equal(t.reloads(), reloads);
    // the new generation still records the new description for rebuilds
    const gens = await t.api("GET", "/api/config/generations");
    assert.equal(gens.body.generations[0].generation, described.body.apply.generation);
  });
});

Deno.test("200 concurrent changes cost at most 3 reloads and every caller gets its outcome", async () => {
  await withAgent(async (t) => {
    await t.api("PUT", "/api/sites/front", { server_names: ["front.test"], default_pool: "web" });
    const reloads = t.reloads();
    const results = await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) =>
          t.api("PUT", `/api/sites/s${i}`, { server_names: [`s${i}.test`], default_pool: "web" }),
      ),
    );
    const used = t.reloads() - reloads;
    assert.ok(used >= 1 && used <= 3, `reloads: ${used}`);
    for (const r of results) {
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.apply.status, "applied");
      assert.ok(r.body.apply.applied.includes(`site/${r.body.name}`));
    }
    for (const i of [0, 99, 199]) assert.equal((await t.viaNginx(`s${i}.test`, "/")).text, "be /");
  });
});

Deno.test("one bad entity in a burst is refused alone; the good ones are applied", async () => {
  await withAgent(async (t) => {
    const reloads = t.reloads();
    const calls = Array.from(
      { length: 12 },
      (_, i) =>
        t.api("PUT", `/api/sites/g${i}`, { server_names: [`g${i}.test`], default_pool: "web" }),
    );
    calls.push(t.api("PUT", "/api/sites/broken", {
      server_names: ["broken.test"],
      default_pool: "web",
      extra_blocks: [{ zone: "end", content: "proxy_buffers 8;" }],
    }));
    const results = await Promise.all(calls);
    const broken = results.pop()!;
    assert.equal(broken.status, 422);
    assert.equal(broken.body.error.code, "NGINX_TEST_FAILED");
    assert.match(broken.body.error.message, /invalid number of arguments in "proxy_buffers"/);
    assert.deepEqual(broken.body.error.detail.entity, { kind: "site", name: "broken" });
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.ok(t.reloads() - reloads <= 2);
    assert.equal((await t.viaNginx("g7.test", "/x")).text, "be /x");
    assert.equal((await t.api("GET", "/api/sites/broken")).status, 404); // a new entity refused is gone
  });
});

Deno.test("a failure nginx reports without a file is traced to its entity by bisection", async () => {
  await withAgent(async (t) => {
    // Longer than the private nginx's server_names_hash_bucket_size (128): nginx
    // says "could not build server_names_hash" and names no file.
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.test`;
    const calls = Array.from(
      { length: 6 },
      (_, i) =>
        t.api("PUT", `/api/sites/ok${i}`, { server_names: [`ok${i}.test`], default_pool: "web" }),
    );
    calls.splice(
      3,
      0,
      t.api("PUT", "/api/sites/long", { server_names: [long], default_pool: "web" }),
    );
    const results = await Promise.all(calls);
    const refused = results.splice(3, 1)[0];
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.error.detail.entity, { kind: "site", name: "long" });
    assert.match(refused.body.error.message, /server_names_hash/);
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await t.viaNginx("ok5.test", "/")).text, "be /");
  });
});

Deno.test("a reload nginx refuses (port in use) rolls back to the previous generation", async () => {
  await withAgent(async (t) => {
    const ok = await t.api("PUT", "/api/sites/a", {
      server_names: ["a.test"],
      default_pool: "web",
    });
    const gen = ok.body.apply.generation;
    // Taken after the socket check and nginx -t, before the reload (a port another process
    // holds before the round is refused alone, tests/harden/taken_port_test.ts).
    const port = freePort();
    const busy = bindAfterTest(t, port);
    try {
      const r = await t.api("PUT", "/api/sites/clash", {
        server_names: ["clash.test"],
        default_pool: "web",
        listen: [{ port, address: "127.0.0.1" }],
      });
      assert.equal(r.status, 500, JSON.stringify(r.body));
      assert.equal(r.body.error.code, "NGINX_RELOAD_FAILED");
      assert.match(r.body.error.message, /bind\(\) to 127\.0\.0\.1:\d+ failed/);
      const status = await t.api("GET", "/api/config/status");
      assert.equal(status.body.generation, gen);
      assert.equal(status.body.pending_count, 0);
      const link = await Deno.readLink(`${t.settings.nginx_dir}/current`);
      assert.ok(link.endsWith(String(gen).padStart(6, "0")), link);
      assert.equal((await t.viaNginx("a.test", "/still")).text, "be /still");
      const disk = await diskPassesNginxT(t);
      assert.ok(disk.ok, disk.output);
    } finally {
      await busy.close();
    }
  });
});

Deno.test("manual apply_mode: changes stay pending until POST /api/config/apply", async () => {
  await withAgent(async (t) => {
    const r = await t.api("PUT", "/api/sites/later", {
      server_names: ["later.test"],
      default_pool: "web",
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.apply.status, "pending");
    const status = await t.api("GET", "/api/config/status");
    assert.deepEqual(status.body.pending.map((p: { id: string }) => p.id).sort(), [
      "pool/web",
      "site/later",
    ]);
    assert.notEqual((await t.viaNginx("later.test", "/")).text, "be /");
    const applied = await t.api("POST", "/api/config/apply");
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.status, "applied");
    assert.equal((await t.viaNginx("later.test", "/")).text, "be /");
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);
  }, { apply_mode: "manual" });
});

Deno.test("manual apply_mode: the pending list follows changes, applies, no-op writes and put-backs", async () => {
  await withAgent(async (t) => {
    const pending = async () =>
      (await t.api("GET", "/api/config/status")).body.pending.map(
        (p: { id: string; action: string }) => `${p.action} ${p.id}`,
      );
    const site = (names: string[]) =>
      t.api("PUT", "/api/sites/shop", { server_names: names, default_pool: "web" });
    await t.api("POST", "/api/config/apply");
    assert.deepEqual(await pending(), []);
    assert.equal((await site(["shop.test"])).status, 201);
    assert.deepEqual(await pending(), ["create site/shop"]);
    assert.equal((await site(["shop.test"])).status, 200); // the same again: nothing new
    assert.deepEqual(await pending(), ["create site/shop"]);
    assert.equal((await t.api("POST", "/api/config/apply")).body.status, "applied");
    assert.deepEqual(await pending(), []);
    assert.equal((await site(["shop.test"])).status, 200); // identical to what nginx serves
    assert.deepEqual(await pending(), []);
    await site(["shop.test", "www.shop.test"]);
    assert.deepEqual(await pending(), ["update site/shop"]);
    await site(["shop.test"]); // put back before an apply: a new version, nothing to apply
    assert.deepEqual(await pending(), []);
    assert.equal((await t.api("DELETE", "/api/sites/shop")).status, 200);
    assert.deepEqual(await pending(), ["delete site/shop"]);
    assert.equal((await t.api("POST", "/api/config/apply")).body.status, "applied");
    assert.deepEqual(await pending(), []);
    assert.notEqual((await t.viaNginx("shop.test", "/")).text, "be /");
  }, { apply_mode: "manual" });
});

Deno.test("a restarted agent picks up the current generation without reloading", async () => {
  const be = httpBackend("be");
  const first = await startTestAgent();
  const dir = first.dir;
  const httpPort = first.httpPort;
  try {
    await first.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    const s = await first.api("PUT", "/api/sites/keep", {
      server_names: ["keep.test"],
      default_pool: "web",
    });
    const gen = s.body.apply.generation;
    await first.close();
    const second = await startTestAgent({ dir, httpPort });
    try {
      const status = await second.api("GET", "/api/config/status");
      assert.equal(status.body.generation, gen);
      assert.equal(status.body.pending_count, 0);
      assert.equal(second.reloads(), 0);
      assert.equal((await second.viaNginx("keep.test", "/")).text, "be /");
    } finally {
      await second.close();
    }
  } finally {
    await be.close();
  }
});
