// Registry sync with a real registry over HTTP (and registry.toml files), real
// upstreams and a real nginx: one reload for the whole batch, every domain
// answers, bad entries are skipped with their reason, a dead registry changes nothing.
import assert from "node:assert/strict";
import { type Backend, httpBackend } from "../helpers/backends.ts";
import { deadPort, filesSnapshot, kvSnapshot, startProxiesAgent } from "./helpers.ts";

/** A registry server answering GET / with whatever `body()` says now. */
function registryServer(body: () => { status?: number; text: string; type?: string }) {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    () => {
      const b = body();
      return new Response(b.text, {
        status: b.status ?? 200,
        headers: { "content-type": b.type ?? "application/json" },
      });
    },
  );
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/services`,
    async close() {
      ac.abort();
      await server.finished;
    },
  };
}

Deno.test("sync of 50 services from an HTTP registry: one reload, every domain answers through nginx, bad entries skipped with the field named", async () => {
  const backends: Backend[] = Array.from({ length: 50 }, (_, i) => httpBackend(`svc${i}`));
  const services: Record<string, unknown>[] = backends.map((b, i) => ({
    name: `svc${i}`,
    host: "127.0.0.1",
    port: b.port,
    domain: `svc${i}.example.test`,
    ...(i % 2 ? { health_path: "/status/health" } : {}),
  }));
  const dead = deadPort();
  const bad = [
    { name: "bad-domain", host: "127.0.0.1", port: backends[0].port, domain: "not a domain" },
    { name: "bad-port", host: "127.0.0.1", port: 0, domain: "bad-port.example.test" },
    { name: "down", host: "127.0.0.1", port: dead, domain: "down.example.test" },
    { name: "svc3", host: "127.0.0.1", port: backends[3].port, domain: "dup.example.test" },
    { host: "127.0.0.1", port: backends[0].port, domain: "anon.example.test" },
  ];
  let doc: unknown = { services: [...services, ...bad] };
  const reg = registryServer(() => ({ text: JSON.stringify(doc) }));
  const t = await startProxiesAgent();
  try {
    const reloads = t.reloads();
    const gen = (await t.api("GET", "/api/config/status")).body.generation;
    const r = await t.api("POST", "/api/proxies/sync-from-registry", { url: reg.url });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.synced_count, 50);
    assert.deepEqual(r.body.synced, services.map((s) => s.name).sort());
    assert.equal(r.body.created.length, 50);
    assert.equal(r.body.apply.status, "applied");
    assert.equal(t.reloads(), reloads + 1, "one reload for the whole sync");
    assert.equal((await t.api("GET", "/api/config/status")).body.generation, gen + 1);

    const reasons = Object.fromEntries(
      r.body.skipped.map((s: { name: string; reason: string }) => [s.name, s.reason]),
    );
    assert.equal(r.body.skipped_count, 5, JSON.stringify(r.body.skipped));
    assert.match(reasons["bad-domain"], /^domain: must be a host name/);
    assert.match(reasons["bad-port"], /^port: must be a port number/);
    assert.match(
      reasons["down"],
      /UPSTREAM_UNHEALTHY|is not healthy: GET http:\/\/127\.0\.0\.1:\d+\/health: connection refused/,
    );
    assert.match(reasons["svc3"], /name: listed twice in the registry \(first at services\[3\]\)/);
    assert.match(reasons["services[54]"], /services\[54\]\.name: must be a string/);

    for (let i = 0; i < 50; i++) {
      const a = await t.viaNginx(`svc${i}.example.test`, "/hi");
      assert.equal(a.text, `svc${i} /hi`);
    }
    const one = await t.api("GET", "/api/proxies/svc7");
    assert.equal(one.body.status, "active");
    assert.equal(one.body.health_path, "/status/health");
    assert.equal((await t.api("GET", "/api/sites/svc7")).body.managed_by.name, "svc7");

    // The same registry again: nothing changes, no reload.
    const again = await t.api("POST", "/api/proxies/sync-from-registry", { url: reg.url });
    assert.equal(again.body.synced_count, 50);
    assert.equal(again.body.unchanged.length, 50);
    assert.equal(again.body.apply.status, "unchanged");
    assert.equal(t.reloads(), reloads + 1);

    // A changed entry updates its proxy; an existing proxy's SSL choice is kept.
    doc = services.map((s, i) => (i === 0 ? { ...s, port: backends[1].port } : s));
    const upd = await t.api("POST", "/api/proxies/sync-from-registry", { url: reg.url });
    assert.deepEqual(upd.body.updated, ["svc0"]);
    assert.equal((await t.viaNginx("svc0.example.test", "/")).text, "svc1 /");
  } finally {
    await t.close();
    await reg.close();
    for (const b of backends) await b.close();
  }
});

Deno.test("a registry that cannot be read is REGISTRY_UNAVAILABLE and nothing changes", async () => {
  const be = httpBackend("be");
  let mode: "500" | "garbage" | "object" = "500";
  const reg = registryServer(() =>
    mode === "500"
      ? { status: 500, text: "oops" }
      : mode === "garbage"
      ? { text: "<html>not json</html>", type: "text/html" }
      : { text: JSON.stringify({ items: [] }) }
  );
  const t = await startProxiesAgent();
  try {
    await t.api("PUT", "/api/proxies/keep", {
      domain: "keep.example.test",
      upstream_host: "127.0.0.1",
      upstream_port: be.port,
    });
    const kv = await kvSnapshot(t);
    const files = await filesSnapshot(t);
    const down = `http://127.0.0.1:${deadPort()}/services`;
    const expect = [
      [{ url: down }, /cannot be read \(.*(refused|Connection)/i],
      [{ url: reg.url }, /answered HTTP 500/],
      [{ url: reg.url, m: "garbage" }, /is not JSON/],
      [{ url: reg.url, m: "object" }, /is not a list of services/],
      [{ file: `${t.dir}/missing.json` }, /cannot be read/],
    ] as const;
    for (const [src, msg] of expect) {
      if ("m" in src) mode = src.m;
      const body = "url" in src ? { url: src.url } : { file: src.file };
      const r = await t.api("POST", "/api/proxies/sync-from-registry", body);
      assert.equal(r.status, 502, JSON.stringify(r.body));
      assert.equal(r.body.error.code, "REGISTRY_UNAVAILABLE");
      assert.match(r.body.error.message, msg);
      assert.match(r.body.error.message, /nothing was changed/);
    }
    // No registry at all: the field is named.
    const none = await t.api("POST", "/api/proxies/sync-from-registry", {});
    assert.equal(none.status, 400);
    assert.equal(none.body.error.detail.field, "url");
    assert.deepEqual(await kvSnapshot(t), kv);
    assert.deepEqual(await filesSnapshot(t), files);
  } finally {
    await t.close();
    await reg.close();
    await be.close();
  }
});

Deno.test("a projrouter registry.toml: each project becomes <name>.<global.domain> -> 127.0.0.1:<port>; without global.domain every entry is skipped", async () => {
  const a = httpBackend("alpha");
  const b = httpBackend("beta");
  const t = await startProxiesAgent();
  try {
    const file = `${t.dir}/registry.toml`;
    await Deno.writeTextFile(
      file,
      `[global]\nroot = "/srv/projects"\ndomain = "lab.example.test"\n\n[projects]\nalpha = ${a.port}\nbeta = ${b.port}\n`,
    );
    const r = await t.api("POST", "/api/proxies/sync-from-registry", { file });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.format, "toml");
    assert.deepEqual(r.body.synced, ["alpha", "beta"]);
    const p = (await t.api("GET", "/api/proxies/beta")).body;
    assert.equal(p.domain, "beta.lab.example.test");
    assert.equal(p.upstream_host, "127.0.0.1");
    assert.equal(p.upstream_port, b.port);
    assert.equal((await t.viaNginx("alpha.lab.example.test", "/")).text, "alpha /");

    const bare = `${t.dir}/bare.toml`;
    await Deno.writeTextFile(bare, `[projects]\ngamma = ${a.port}\n`);
    const s = await t.api("POST", "/api/proxies/sync-from-registry", { file: bare });
    assert.equal(s.body.synced_count, 0);
    assert.deepEqual(s.body.skipped, [
      { name: "gamma", reason: "domain: registry.toml has no global.domain" },
    ]);
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});

Deno.test("registry_sync_interval: the scheduled job syncs registry_url under agent serve", async () => {
  const be = httpBackend("be");
  const reg = registryServer(() => ({
    text: JSON.stringify([{
      name: "sched",
      host: "127.0.0.1",
      port: be.port,
      domain: "sched.example.test",
    }]),
  }));
  const t = await startProxiesAgent({
    overrides: { registry_url: reg.url, registry_sync_interval: 3600 },
  });
  try {
    await t.agent.startJobs(); // the first run starts at once, then every hour
    // The health endpoint reports the run once it ended.
    let h = await t.api("GET", "/api/health");
    for (let i = 0; i < 100 && !h.body.proxies.registry_sync; i++) {
      await new Promise((r) => setTimeout(r, 100));
      h = await t.api("GET", "/api/health");
    }
    assert.equal(h.body.proxies.registry_sync?.synced, 1, JSON.stringify(h.body.proxies));
    assert.equal((await t.api("GET", "/api/proxies/sched")).body.status, "active");
    assert.equal((await t.viaNginx("sched.example.test", "/")).text, "be /");
  } finally {
    await t.close();
    await reg.close();
    await be.close();
  }
});

Deno.test("a sync of 500 services costs one reload (the writes are chunked under Deno KV's limits, the apply is one)", async () => {
  const be = httpBackend("shared");
  const services = Array.from({ length: 500 }, (_, i) => ({
    name: `s${i}`,
    host: "127.0.0.1",
    port: be.port,
    domain: `s${i}.bulk.example.test`,
  }));
  const reg = registryServer(() => ({ text: JSON.stringify(services) }));
  const t = await startProxiesAgent();
  try {
    const reloads = t.reloads();
    const r = await t.api("POST", "/api/proxies/sync-from-registry", { url: reg.url });
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 2000));
    assert.equal(r.body.synced_count, 500, JSON.stringify(r.body.skipped.slice(0, 5)));
    assert.equal(r.body.skipped_count, 0);
    assert.equal(t.reloads(), reloads + 1);
    assert.equal((await t.api("GET", "/api/proxies")).body.proxies.length, 500);
    assert.equal((await t.api("GET", "/api/sites")).body.sites.length, 500);
    for (const i of [0, 137, 499]) {
      assert.equal((await t.viaNginx(`s${i}.bulk.example.test`, "/x")).text, "shared /x");
    }
  } finally {
    await t.close();
    await reg.close();
    await be.close();
  }
});
