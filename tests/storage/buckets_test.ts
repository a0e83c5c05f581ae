// Bucket sync, promote, orphans and purge against real S3 servers (s3rver behind
// the verifying SigV4 shim) and the real nginx.
import assert from "node:assert/strict";
import { storageSetup } from "./helpers.ts";
import { bucketPut, getBucket } from "../../agent/features/storage/records.ts";
import type { StorageRuntime } from "../../agent/features/storage/settings.ts";
import type { S3Client } from "../../agent/features/storage/s3-client.ts";

async function fill(c: S3Client, bucket: string, n: number, prefix = "k") {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from(
        { length: Math.min(50, n - i) },
        (_, j) => c.putObject(bucket, `${prefix}${i + j}`, `v${i + j}`),
      ),
    );
  }
}

async function siteConf(dir: string): Promise<string> {
  return await Deno.readTextFile(`${dir}/current/site-s3.conf`);
}

/** What the migrations feature will do: mark a bucket migrating (no API for it yet). */
async function markMigrating(rt: StorageRuntime, bucket: string) {
  const b = (await getBucket(rt, "s3", bucket))!;
  const { name: _n, version: _v, created_at: _c, updated_at: _u, ...spec } = b;
  await rt.store.write(() => ({
    ops: [bucketPut({ ...spec, status: "migrating", routed_pool: "cold" } as never, b.version)],
    actor: "test",
    action: "bucket.migrate",
  }));
}

Deno.test("sync: new buckets become unrouted, gone ones deleted; ignored and migrating are left alone; a routed bucket missing on its pool is flagged, not unrouted (D15)", async () => {
  const s = await storageSetup(2);
  const [hot, cold] = s.direct;
  const rt = s.t.agent.rt as unknown as StorageRuntime;
  try {
    for (const b of ["alpha", "beta", "gamma", "delta"]) await hot.createBucket(b);
    let r = await s.t.api("POST", "/api/sites/s3/buckets/sync");
    assert.deepEqual(r.body.added, ["alpha", "beta", "delta", "gamma"]);
    assert.equal((await s.t.api("POST", "/api/sites/s3/buckets/beta/ignore")).status, 200);
    await markMigrating(rt, "delta");
    for (const b of ["alpha", "beta", "delta"]) await hot.request("DELETE", `/${b}`);
    await hot.createBucket("epsilon");
    r = await s.t.api("POST", "/api/sites/s3/buckets/sync");
    assert.deepEqual(r.body.added, ["epsilon"]);
    assert.deepEqual(r.body.deleted, ["alpha"]);
    const ls = await s.t.api("GET", "/api/sites/s3/buckets");
    const status = Object.fromEntries(
      ls.body.buckets.map((b: { bucket: string; status: string }) => [b.bucket, b.status]),
    );
    assert.deepEqual(status, {
      alpha: "deleted",
      beta: "ignored",
      delta: "migrating",
      epsilon: "unrouted",
      gamma: "unrouted",
    });

    // A fresh promote to a pool that has no such bucket yet keeps its route.
    const p = await s.t.api("POST", "/api/sites/s3/buckets/gamma/promote", { pool: "cold" });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.routed_target_missing, true);
    r = await s.t.api("POST", "/api/sites/s3/buckets/sync");
    assert.deepEqual(r.body.target_missing, ["gamma"]);
    const g = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets.find((
      b: { bucket: string },
    ) => b.bucket === "gamma");
    assert.equal(g.status, "routed");
    assert.equal(g.routed_target_missing, true);
    assert.match(await siteConf(s.t.settings.nginx_dir), /location = \/gamma \{/);
    await cold.createBucket("gamma");
    await s.t.api("POST", "/api/sites/s3/buckets/sync");
    const g2 = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets.find((
      b: { bucket: string },
    ) => b.bucket === "gamma");
    assert.equal(g2.routed_target_missing, undefined);
    // the dashboard's count
    const st = await s.t.api("GET", "/api/config/status");
    assert.equal(st.body.buckets.unrouted, 1);
    // unroute goes through the pipeline (D16): nginx loses the locations
    const u = await s.t.api("DELETE", "/api/sites/s3/buckets/gamma/route");
    assert.equal(u.status, 200);
    assert.equal(u.body.apply.status, "applied");
    assert.doesNotMatch(await siteConf(s.t.settings.nginx_dir), /gamma/);
  } finally {
    await s.close();
  }
});

Deno.test("promote: a bucket with objects to another pool is refused without allow_orphan (nothing stored), allowed with it; to the default pool it is allowed; pool status views", async () => {
  const s = await storageSetup(2);
  const [hot, cold] = s.direct;
  try {
    await hot.createBucket("logs");
    await fill(hot, "logs", 3);
    await cold.createBucket("logs");
    await hot.createBucket("same");
    await fill(hot, "same", 2);
    await s.t.api("POST", "/api/sites/s3/buckets/sync");
    const reloads = s.t.reloads();
    const refused = await s.t.api("POST", "/api/sites/s3/buckets/logs/promote", { pool: "cold" });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, "VALIDATION_FAILED");
    assert.equal(refused.body.error.detail.field, "allow_orphan");
    assert.equal(s.t.reloads(), reloads, "nothing applied");
    const rec = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets.find((
      b: { bucket: string },
    ) => b.bucket === "logs");
    assert.equal(rec.status, "unrouted", "nothing stored");
    // migrate: true to the pool already serving it has nothing to move (a real one:
    // tests/migrations/promote_test.ts).
    const mig = await s.t.api("POST", "/api/sites/s3/buckets/logs/promote", {
      pool: "hot",
      migrate: true,
    });
    assert.equal(mig.status, 400);
    assert.equal(mig.body.error.detail.field, "pool");
    const ok = await s.t.api("POST", "/api/sites/s3/buckets/logs/promote", {
      pool: "cold",
      allow_orphan: true,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.orphaned_objects, true);
    const same = await s.t.api("POST", "/api/sites/s3/buckets/same/promote", { pool: "hot" });
    assert.equal(same.status, 200, JSON.stringify(same.body));
    const notNanio = await s.t.api("POST", "/api/sites/s3/buckets/same/promote", { pool: "nope" });
    assert.equal(notNanio.body.error.detail.field, "pool");

    const hotStatus = (await s.t.api("GET", "/api/pools/hot/buckets/status")).body.buckets;
    assert.deepEqual(
      hotStatus.map((b: { bucket: string; status: string }) => `${b.bucket}:${b.status}`),
      ["logs:orphaned", "same:routed"],
    );
    const coldStatus = (await s.t.api("GET", "/api/pools/cold/buckets/status")).body.buckets;
    assert.deepEqual(
      coldStatus.map((b: { bucket: string; status: string; sites: string[] }) =>
        `${b.bucket}:${b.status}:${b.sites}`
      ),
      ["logs:routed:s3"],
    );
    const counts = (await s.t.api("GET", "/api/sites/s3/buckets?fetch_counts=true")).body.buckets;
    assert.deepEqual(
      counts.map((b: { bucket: string; objects: number; served_by: string }) =>
        `${b.bucket}:${b.served_by}:${b.objects}`
      ),
      ["logs:cold:0", "same:hot:2"],
    );
    // a pool still routed cannot go
    const del = await s.t.api("DELETE", "/api/pools/cold");
    assert.equal(del.status, 409);
    assert.match(del.body.error.message, /bucket\(s\) s3--logs/);
  } finally {
    await s.close();
  }
});

Deno.test("purge-orphan: refused per D14 (same pool, migrating, not an orphan, wrong confirmation); otherwise deletes exactly the orphans in batches of 1000, audited with the count", async () => {
  const s = await storageSetup(2);
  const [hot, cold] = s.direct;
  const rt = s.t.agent.rt as unknown as StorageRuntime;
  try {
    for (const b of ["photos", "live", "moving", "clean"]) await hot.createBucket(b);
    await cold.createBucket("photos");
    await cold.createBucket("clean");
    await fill(hot, "photos", 1003);
    await fill(cold, "photos", 2, "new");
    await fill(hot, "live", 2);
    await fill(hot, "moving", 1);
    await s.t.api("POST", "/api/sites/s3/buckets/sync");
    for (const [b, pool] of [["photos", "cold"], ["live", "hot"], ["clean", "cold"]]) {
      const r = await s.t.api("POST", `/api/sites/s3/buckets/${b}/promote`, {
        pool,
        allow_orphan: true,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await markMigrating(rt, "moving");

    const orphans = (await s.t.api("GET", "/api/sites/s3/buckets/orphans")).body.orphans;
    assert.deepEqual(
      orphans.map((o: { bucket: string; objects: number }) => `${o.bucket}:${o.objects}`),
      ["photos:1003"],
    );

    const purge = (b: string, confirm = b) =>
      s.t.api("POST", `/api/sites/s3/buckets/${b}/purge-orphan`, { confirm });
    let r = await purge("photos", "photo");
    assert.equal(r.status, 400);
    assert.equal(r.body.error.detail.field, "confirm");
    r = await purge("live");
    assert.equal(r.status, 409, "routed to the purged pool (D14)");
    assert.match(r.body.error.message, /routed to hot/);
    assert.equal((await hot.listAll("live")).length, 2);
    r = await purge("moving");
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /migrating/);
    assert.equal((await hot.listAll("moving")).length, 1);
    r = await purge("clean");
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /not in the orphan set/);

    const before = s.servers[0].requests.length;
    r = await purge("photos");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.deleted, 1003);
    const deletes = s.servers[0].requests.slice(before).filter((q) =>
      q.startsWith("POST /photos?delete")
    );
    assert.equal(deletes.length, 2, "DeleteObjects in batches of 1000");
    assert.equal((await hot.listAll("photos")).length, 0);
    assert.deepEqual(
      (await cold.listAll("photos")).map((o) => o.key),
      ["new0", "new1"],
      "the routed pool is untouched",
    );
    assert.equal((await hot.listAll("live")).length, 2);
    const audit = (await s.t.api("GET", "/api/audit")).body;
    const entries = audit.entries ?? audit;
    assert.ok(
      entries.some((e: { action: string; message?: string }) =>
        e.action === "bucket.purge-orphan" && /deleted 1003/.test(e.message ?? "")
      ),
      JSON.stringify(entries.slice(0, 3)),
    );
  } finally {
    await s.close();
  }
});
