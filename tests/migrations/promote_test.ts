// Promote with migrate: true moves a bucket the default pool serves (no route of
// its own) to another pool by a migration: routed to the default pool first
// (nginx serves the same), then migrated, then routed to the target, with every
// object there. Without the migrations feature such a promote is refused.
import assert from "node:assert/strict";
import { assertModelOn, BUCKET, follow, migrationSetup } from "./helpers.ts";
import { MIGRATIONS } from "../../agent/features/migrations/engine.ts";
import { BUCKET_MIGRATOR } from "../../agent/features/storage/mod.ts";

Deno.test("promote with migrate: true starts a migration to the pool and ends with the bucket routed there, every object moved", async () => {
  const { s, model } = await migrationSetup(30, { multipart: false });
  const rt = s.t.agent.rt;
  try {
    // seedBucket routed it to hot; unroute it so the default pool serves it.
    const un = await s.t.api("DELETE", `/api/sites/s3/buckets/${BUCKET}/route`);
    assert.equal(un.status, 200, JSON.stringify(un.body));
    const r = await s.t.api("POST", `/api/sites/s3/buckets/${BUCKET}/promote`, {
      pool: "cold",
      migrate: true,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.from_pool, "hot");
    const id = r.body.migration.id;
    const done = await follow(s.t, id, (m) => m.phase === "done", 240_000);
    assert.equal(done.src, "hot");
    assert.equal(done.dst, "cold");
    const b = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets
      .find((x: { bucket: string }) => x.bucket === BUCKET);
    assert.equal(b.status, "routed");
    assert.equal(b.routed_pool, "cold");
    await assertModelOn(s.direct[1], model);
    await assertModelOn(s.gateway, model);
    // An agent without the migrations feature refuses it, naming `migrate`.
    const starter = rt.use(BUCKET_MIGRATOR);
    rt.setService(BUCKET_MIGRATOR, undefined as never);
    const refused = await s.t.api("POST", `/api/sites/s3/buckets/${BUCKET}/promote`, {
      pool: "hot",
      migrate: true,
    });
    rt.setService(BUCKET_MIGRATOR, starter);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.detail.field, "migrate");
  } finally {
    await rt.use(MIGRATIONS).stop();
    await s.close();
  }
});
