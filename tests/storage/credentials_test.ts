// nanio pool rules and credentials: only on nanio pools, sealed at rest, never
// in an answer, a log line, the audit log, a backup or a sidecar in clear;
// KV loss -> rebuild-db restores pools with types, sealed credentials, buckets
// and http links; http pools backed by a nanio pool route its buckets.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { S3_ACCESS_KEY } from "../helpers/s3.ts";
import { SHARED_SECRET, storageSetup } from "./helpers.ts";
import { isSealed } from "../../agent/store/secrets.ts";

async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const bytes = new TextEncoder().encode(needle);
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        const data = await Deno.readFile(p);
        outer: for (let i = 0; i + bytes.length <= data.length; i++) {
          for (let j = 0; j < bytes.length; j++) if (data[i + j] !== bytes[j]) continue outer;
          hits.push(p);
          break;
        }
      }
    }
  };
  await walk(dir);
  return hits;
}

Deno.test("pool rules: credentials and region only on nanio pools, no backup members, nanio sites route to nanio pools only, a routed pool cannot be deleted", async () => {
  const t = await startTestAgent({ overrides: { secret: "" } });
  try {
    let r = await t.api("PUT", "/api/pools/web", {
      members: [{ address: "127.0.0.1:9100" }],
      credentials: { access_key: "AK", secret_key: "SK" },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.detail.field, "credentials");
    r = await t.api("PUT", "/api/pools/web", { region: "eu-west-1" });
    assert.equal(r.body.error.detail.field, "region");
    r = await t.api("PUT", "/api/pools/s3", {
      type: "nanio",
      members: [{ address: "127.0.0.1:9100", backup: true }],
    });
    assert.equal(r.body.error.detail.field, "members[0].backup");
    r = await t.api("PUT", "/api/pools/s3", {
      type: "nanio",
      credentials: { access_key: "AK", secret_key: "SK" },
    });
    assert.equal(r.status, 400, "no secret setting: cannot seal");
    assert.match(r.body.error.message, /secret/);
    r = await t.api("PUT", "/api/pools/s3", {
      type: "nanio",
      members: [{ address: "127.0.0.1:9100" }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.region, "us-east-1");
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:9101" }] })).status,
      201,
    );
    r = await t.api("PUT", "/api/pools/files", { source_nanio_pool: "web" });
    assert.equal(r.body.error.detail.field, "source_nanio_pool");
    r = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "s3",
      routes: [{ name: "app", path: "/app/", pool: "web" }],
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.detail.field, "routes[0].pool");
    r = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "s3",
      routes: [{ name: "app", path: "/app/", pool: "s3", strip_prefix: true }],
    });
    assert.equal(r.body.error.detail.field, "routes[0].strip_prefix");
    // http pools keep their shape (no type field appears)
    const web = (await t.api("GET", "/api/pools/web")).body;
    assert.equal(web.type, undefined);
    assert.equal(web.region, undefined);
  } finally {
    await t.close();
  }
});

Deno.test("credentials are sealed and masked: never in answers, logs, audit, backups, sidecars or KV in clear; a GET body sent back keeps them; KV loss -> rebuild-db restores pools, credentials, buckets and http links", async () => {
  const logs: string[] = [];
  const be = httpBackend("files");
  const s = await storageSetup(2, { log: (m) => logs.push(m) });
  const [hot, cold] = s.direct;
  let t2: Awaited<ReturnType<typeof startTestAgent>> | null = null;
  try {
    const t = s.t;
    await hot.createBucket("media");
    await cold.createBucket("media");
    await hot.createBucket("docs");
    assert.equal((await t.api("POST", "/api/sites/s3/buckets/sync")).status, 200);
    assert.equal(
      (await t.api("POST", "/api/sites/s3/buckets/media/promote", { pool: "cold" })).status,
      200,
    );
    // an http pool serving hot's data, and an http site routing one of its buckets
    let r = await t.api("PUT", "/api/pools/files", {
      source_nanio_pool: "hot",
      members: [{ address: be.address }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // hot is named as a source: it stays nanio.
    r = await t.api("PUT", "/api/pools/hot", { members: [] });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.detail.field, "type");
    r = await t.api("PUT", "/api/sites/www", { server_names: ["www.test"], default_pool: "files" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const hr = await t.api("GET", "/api/sites/www/http-bucket-routes");
    assert.equal(hr.status, 200, JSON.stringify(hr.body));
    assert.equal(hr.body.linked_pool, "hot");
    assert.deepEqual(hr.body.buckets, [{ bucket: "docs", routed: false }, {
      bucket: "media",
      routed: false,
    }]);
    r = await t.api("POST", "/api/sites/www/http-bucket-routes/docs", {});
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await t.viaNginx("www.test", "/docs/readme.txt")).text, "files /docs/readme.txt");
    assert.equal(
      (await t.api("POST", "/api/sites/www/http-bucket-routes/nothere", {})).status,
      400,
    );

    // answers: masked everywhere
    const answers = [
      await t.api("GET", "/api/pools/hot"),
      await t.api("GET", "/api/pools"),
      await t.api("GET", "/api/audit"),
      await t.api("GET", "/api/config/status"),
    ];
    for (const a of answers) {
      assert.ok(!JSON.stringify(a.body).includes(SHARED_SECRET), "no secret in an answer");
    }
    const hotGet = answers[0].body;
    assert.deepEqual(hotGet.credentials, { access_key: "********", secret_key: "********" });
    // sent back as is: the stored credentials are kept (the next S3 call still signs)
    const { version: _v, created_at: _c, updated_at: _u, ...body } = hotGet;
    r = await t.api("PUT", "/api/pools/hot", body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await t.api("POST", "/api/sites/s3/buckets/sync")).status, 200);
    // at rest: sealed in KV; nothing in clear on disk (KV, sidecars, backups), in logs or audit
    const raw = await t.agent.rt.store.get("pool", "hot");
    assert.ok(isSealed((raw!.credentials as { secret_key: string }).secret_key));
    assert.ok(isSealed((raw!.credentials as { access_key: string }).access_key));
    assert.equal((await t.api("POST", "/api/config/backup")).status, 200);
    assert.deepEqual(await filesContaining(t.dir, SHARED_SECRET), []);
    assert.ok(!logs.some((l) => l.includes(SHARED_SECRET)));

    // KV loss
    const { dir, httpPort } = t;
    const secret = t.settings.secret;
    await t.close();
    for (const f of ["agent.kv", "agent.kv-wal", "agent.kv-shm"]) {
      await Deno.remove(`${dir}/data/${f}`).catch(() => {});
    }
    t2 = await startTestAgent({ dir, httpPort, overrides: { secret, bucket_sync_interval: 0 } });
    r = await t2.api("POST", "/api/config/rebuild-from-disk");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const pools = (await t2.api("GET", "/api/pools")).body.pools;
    const byName = Object.fromEntries(pools.map((p: { name: string }) => [p.name, p]));
    assert.equal(byName.hot.type, "nanio");
    assert.equal(byName.hot.region, "us-east-1");
    assert.equal(byName.files.source_nanio_pool, "hot");
    const raw2 = await t2.agent.rt.store.get("pool", "cold");
    assert.ok(isSealed((raw2!.credentials as { secret_key: string }).secret_key));
    const ls = (await t2.api("GET", "/api/sites/s3/buckets")).body.buckets;
    assert.deepEqual(ls.map((b: { bucket: string; status: string }) => `${b.bucket}:${b.status}`), [
      "docs:unrouted",
      "media:routed",
    ]);
    const www = (await t2.api("GET", "/api/sites/www/http-bucket-routes")).body;
    assert.deepEqual(www.routes.map((b: { bucket: string }) => b.bucket), ["docs"]);
    // the restored credentials still sign: sync talks to the pools, and the gateway routes
    assert.equal((await t2.api("POST", "/api/sites/s3/buckets/sync")).status, 200);
    await s.gateway.putObject("media", "after-rebuild.txt", "x");
    assert.equal(await (await cold.getObject("media", "after-rebuild.txt")).text(), "x");
    assert.equal(S3_ACCESS_KEY, "S3RVER");
  } finally {
    await t2?.close();
    await Promise.all(s.servers.map((x) => x.close()));
    await be.close();
  }
});
