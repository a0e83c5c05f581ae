// Cancel before the split (rclone stopped, the source route never changed, the
// partial destination recorded) and after it ("abort to source": client writes
// made during the split are on the source afterwards, deletes stay deleted).
import assert from "node:assert/strict";
import {
  assertModelOn,
  BUCKET,
  follow,
  migrationSetup,
  sleep,
  startClient,
  startHotToCold,
} from "./helpers.ts";
import { MIGRATIONS } from "../../agent/features/migrations/engine.ts";

for (const when of ["copying", "verifying"]) {
  Deno.test(`cancel during ${when}: the bucket is back on the source with every client write`, async () => {
    const { s, model } = await migrationSetup(60);
    let phase = "before";
    const client = startClient(s.gateway, model, () => phase);
    try {
      const id = await startHotToCold(s.t);
      await follow(s.t, id, (m) => (phase = m.phase) === when, 60_000);
      await sleep(200);
      const c = await s.t.api("POST", `/api/migrations/${id}/cancel`);
      assert.equal(c.status, 202, JSON.stringify(c.body));
      const end = await follow(s.t, id, (m) => (phase = m.phase) === "cancelled", 60_000);
      await sleep(200);
      await client.stop();
      assert.deepEqual(client.failures, [], "no failed request through nginx");
      // Every client write (including those made during the split) is on the source.
      const log = (await s.t.api("GET", `/api/migrations/${id}/log`)).body.log.join("\n");
      await assertModelOn(s.direct[0], model).catch((e) => {
        throw new Error(`${log}\n${(e as Error).message.slice(0, 1500)}`);
      });
      await assertModelOn(s.gateway, model);
      const b = (await s.t.api("GET", "/api/sites/s3/buckets")).body.buckets
        .find((x: { bucket: string }) => x.bucket === BUCKET);
      assert.equal(b.status, "routed");
      assert.equal(b.routed_pool, "hot");
      if (when === "copying") {
        assert.equal(end.split_at, undefined, "never split");
        const partial = await s.direct[1].hasObjects(BUCKET);
        assert.equal(
          end.orphaned_destination?.pool,
          partial ? "cold" : undefined,
          "a partial copy is recorded",
        );
      } else {
        assert.ok(end.split_at);
        assert.match(log, /copied back to hot/);
      }
      const conf = await Deno.readTextFile(`${s.t.settings.nginx_dir}/current/site-s3.conf`);
      assert.doesNotMatch(conf, /sy_mig_/, "no split left in nginx");
    } finally {
      await client.stop();
      await s.t.agent.rt.use(MIGRATIONS).stop();
      await s.close();
    }
  });
}
