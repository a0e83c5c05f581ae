// Pre-flight of POST /api/migrations: each refusal names its field, nothing is
// stored when refused, and a second migration of a migrating bucket is CONFLICT.
import assert from "node:assert/strict";
import { BUCKET, seedBucket } from "./helpers.ts";
import { storageSetup } from "../storage/helpers.ts";
import { MIGRATIONS } from "../../agent/features/migrations/engine.ts";
import { S3_ACCESS_KEY } from "../helpers/s3.ts";

Deno.test("pre-flight refusals name the field: pools, regions, routing, empty or missing bucket, sync guard, one migration per bucket", async () => {
  const s = await storageSetup(3);
  try {
    await seedBucket(s, 5, false);
    await s.direct[0].createBucket("empty");
    await s.direct[1].createBucket(BUCKET);
    await s.direct[1].putObject(BUCKET, "already/there.txt", "x");
    await s.t.api("POST", "/api/sites/s3/buckets/sync");
    await s.t.api("POST", "/api/sites/s3/buckets/empty/promote", { pool: "hot" });
    // an http pool, a pool in another region, a pool with its only member down
    assert.equal(
      (await s.t.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:9" }] })).status,
      201,
    );
    let r = await s.t.api("PUT", "/api/pools/eu", {
      type: "nanio",
      region: "eu-west-1",
      members: [{ address: s.servers[2].address }],
      credentials: { access_key: S3_ACCESS_KEY, secret_key: "x" },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    r = await s.t.api("PUT", "/api/pools/down", {
      type: "nanio",
      members: [{ address: s.servers[2].address, down: true }],
      credentials: { access_key: S3_ACCESS_KEY, secret_key: "x" },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const base = { site: "s3", bucket: BUCKET, src_pool: "hot", dst_pool: "cold" };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ site: "nope" }, "site", /nope/],
      [{ src_pool: "web" }, "src_pool", /not a nanio pool/],
      [{ dst_pool: "web" }, "dst_pool", /not a nanio pool/],
      [{ dst_pool: "missing" }, "dst_pool", /missing/],
      [{ dst_pool: "hot" }, "dst_pool", /is the source pool/],
      [{ dst_pool: "down" }, "dst_pool", /no enabled member/],
      [{ dst_pool: "eu" }, "dst_pool", /region eu-west-1/],
      [{ src_pool: "cold", dst_pool: "warm" }, "src_pool", /not routed to cold/],
      [{ bucket: "nosuch" }, "bucket", /no bucket nosuch/],
      [{ bucket: "empty" }, "bucket", /empty/],
      [{ mode: "sync" }, "force", /not empty/],
      [{ mode: "move" }, "mode", /./],
      [{ read_order: "random" }, "read_order", /./],
    ];
    for (const [patch, field, msg] of cases) {
      r = await s.t.api("POST", "/api/migrations", { ...base, ...patch });
      assert.equal(r.status, 400, `${JSON.stringify(patch)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "VALIDATION_FAILED");
      assert.equal(
        r.body.error.detail.field,
        field,
        `${JSON.stringify(patch)}: ${JSON.stringify(r.body)}`,
      );
      assert.match(r.body.error.message, msg);
    }
    assert.deepEqual((await s.t.api("GET", "/api/migrations")).body.migrations, []);
    // The bucket is still routed, not migrating: nothing was stored.
    const b = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets.find((
      x: { bucket: string },
    ) => x.bucket === BUCKET);
    assert.equal(b.status, "routed");

    // Accepted: the bucket turns migrating; a second start is CONFLICT.
    r = await s.t.api("POST", "/api/migrations", base);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.cascade_warnings, []);
    const b2 = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets.find((
      x: { bucket: string },
    ) => x.bucket === BUCKET);
    assert.equal(b2.status, "migrating");
    r = await s.t.api("POST", "/api/migrations", { ...base, dst_pool: "cold" });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "CONFLICT");
    const audit = await s.t.api("GET", "/api/audit?limit=50");
    assert.ok(JSON.stringify(audit.body).includes("migration.start"), "audited");
  } finally {
    await s.t.agent.rt.use(MIGRATIONS).stop();
    await s.close();
  }
});
