// sync mode: refused into a non-empty destination unless forced; forced, rclone
// sync before the split removes what the destination held beyond the source,
// and the bucket ends on the destination with exactly the source's keys.
import assert from "node:assert/strict";
import { assertModelOn, BUCKET, follow, migrationSetup } from "./helpers.ts";
import { MIGRATIONS } from "../../agent/features/migrations/engine.ts";

Deno.test("sync mode: the guard, then a forced sync leaves the destination equal to the source", async () => {
  const { s, model } = await migrationSetup(30);
  try {
    const cold = s.direct[1];
    await cold.createBucket(BUCKET);
    await cold.putObject(BUCKET, "stray/old.txt", "only on the destination");
    const body = { site: "s3", bucket: BUCKET, src_pool: "hot", dst_pool: "cold", mode: "sync" };
    let r = await s.t.api("POST", "/api/migrations", body);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.detail.field, "force");
    r = await s.t.api("POST", "/api/migrations", { ...body, force: true });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const done = await follow(s.t, r.body.id, (m) => m.phase === "done", 240_000);
    assert.equal(done.mode, "sync");
    await assertModelOn(cold, model);
    const keys = (await cold.listAll(BUCKET)).map((o) => o.key);
    assert.ok(!keys.includes("stray/old.txt"), "sync removed the destination's extra key");
    assert.equal(keys.length, model.size + 1, "the source's keys and the multipart object");
  } finally {
    await s.t.agent.rt.use(MIGRATIONS).stop();
    await s.close();
  }
});
