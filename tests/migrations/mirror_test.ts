// A delete mirrored to the source during the split that the source refused
// (a node briefly down) used to come back: the verify pass found the key on the
// source, missing on the destination, and copied it. nginx now logs each
// mirrored delete; the agent makes the refused ones itself before copying.
import assert from "node:assert/strict";
import { BUCKET, follow, heldBarrier, migrationSetup, sleep, startHotToCold } from "./helpers.ts";
import { MigrationEngine, MIGRATIONS } from "../../agent/features/migrations/engine.ts";
import { SingleHostBarrier } from "../../agent/features/migrations/barrier.ts";
import { failedKeys, mirrorFailures } from "../../agent/features/migrations/mirror-log.ts";

Deno.test("mirror log: refused deletes and the keys they named, from nginx's escaped lines", () => {
  const text = [
    '204 DELETE "/photos/ok.txt" ""',
    '503 DELETE "/photos/a%20b.txt?versionId=1" ""',
    '502 POST "/photos?delete" "<Delete><Object><Key>x&amp;y</Key></Object><Object><Key>z</Key></Object></Delete>"',
    '404 DELETE "/photos/gone" ""',
    "half a line",
  ].join("\n");
  const f = mirrorFailures(text);
  assert.deepEqual(f.map((x) => x.status), [503, 502]);
  assert.deepEqual(f.flatMap((x) => failedKeys("photos", x)), ["a b.txt", "x&y", "z"]);
});

Deno.test("a delete the source refused during the split stays deleted: the agent makes it again before the verify copy", async () => {
  const { s, model } = await migrationSetup(20, { multipart: false });
  const rt = s.t.agent.rt;
  // deno-lint-ignore no-explicit-any
  const rec = async () => (await rt.store.list("migration"))[0] as any;
  let gate = true;
  const real = new SingleHostBarrier(rt.nginx, () => rt.reconciler.currentGeneration);
  const gated = heldBarrier(
    real,
    async () => gate && (await rec()).phase === "write_routing",
  );
  rt.setService(MIGRATIONS, new MigrationEngine(rt as never, gated));
  const [hot, cold] = s.direct;
  try {
    const id = await startHotToCold(s.t);
    await follow(s.t, id, (m) => m.phase === "write_routing", 60_000);
    await sleep(500); // the split is live once write_routing waits at its barrier
    // The source refuses every delete for a moment: the mirrors fail, the client's succeed.
    s.servers[0].refuse = (method, url) =>
      method === "DELETE" || (method === "POST" && url.searchParams.has("delete"));
    await s.gateway.deleteObject(BUCKET, "obj/0001.txt");
    const many = await s.gateway.deleteObjects(BUCKET, ["obj/0002.txt", "obj/0003.txt"]);
    assert.deepEqual(many.errors, []);
    await sleep(300); // the mirror subrequests finish after the client's answer
    s.servers[0].refuse = null;
    for (const k of ["obj/0001.txt", "obj/0002.txt", "obj/0003.txt"]) model.set(k, null);
    assert.ok((await hot.listAll(BUCKET)).some((o) => o.key === "obj/0001.txt"), "still on hot");
    gate = false;
    await follow(s.t, id, (m) => m.phase === "done", 240_000);
    for (const c of [cold, s.gateway]) {
      const keys = new Set((await c.listAll(BUCKET)).map((o) => o.key));
      for (const k of ["obj/0001.txt", "obj/0002.txt", "obj/0003.txt"]) {
        assert.ok(!keys.has(k), `${k} deleted by the client is not back`);
      }
      assert.ok(keys.has("obj/0004.txt"));
    }
    const log = (await s.t.api("GET", `/api/migrations/${id}/log`)).body.log.join("\n");
    assert.match(log, /3 delete\(s\) the source missed made again/);
  } finally {
    s.servers[0].refuse = null;
    gate = false;
    await rt.use(MIGRATIONS).stop();
    await s.close();
  }
});

Deno.test("aborting to the source: a delete the destination refused stays deleted, not copied back", async () => {
  const { s } = await migrationSetup(20, { multipart: false });
  const rt = s.t.agent.rt;
  // deno-lint-ignore no-explicit-any
  const rec = async () => (await rt.store.list("migration"))[0] as any;
  let gate = true;
  const real = new SingleHostBarrier(rt.nginx, () => rt.reconciler.currentGeneration);
  // Held at the reverse split's barrier: the reversal is live, no copy back yet.
  const gated = heldBarrier(real, async () => gate && (await rec()).phase === "aborting");
  rt.setService(MIGRATIONS, new MigrationEngine(rt as never, gated));
  const [hot, cold] = s.direct;
  try {
    const id = await startHotToCold(s.t);
    await follow(s.t, id, (m) => m.phase === "verifying", 120_000);
    // Written during the split: on the destination only, a key the abort copies back.
    await s.gateway.putObject(BUCKET, "split/a.txt", "written during the split");
    await s.gateway.putObject(BUCKET, "split/b.txt", "kept");
    assert.equal((await s.t.api("POST", `/api/migrations/${id}/cancel`)).status, 202);
    await follow(s.t, id, (m) => m.phase === "aborting", 60_000);
    await sleep(500); // the reverse split is live once aborting waits at its barrier
    // The destination refuses deletes for a moment: the mirror fails, the client's succeeds.
    s.servers[1].refuse = (method) => method === "DELETE";
    await s.gateway.deleteObject(BUCKET, "split/a.txt");
    await sleep(300); // the mirror subrequest finishes after the client's answer
    s.servers[1].refuse = null;
    assert.ok((await cold.listAll(BUCKET)).some((o) => o.key === "split/a.txt"), "still on cold");
    gate = false;
    await follow(s.t, id, (m) => m.phase === "cancelled", 120_000);
    for (const c of [hot, s.gateway]) {
      const keys = new Set((await c.listAll(BUCKET)).map((o) => o.key));
      assert.ok(!keys.has("split/a.txt"), "the key deleted by the client is not back");
      assert.ok(keys.has("split/b.txt"), "the other client write is copied back");
    }
    const log = (await s.t.api("GET", `/api/migrations/${id}/log`)).body.log.join("\n");
    assert.match(log, /1 delete\(s\) cold missed made again/);
  } finally {
    s.servers[1].refuse = null;
    gate = false;
    await rt.use(MIGRATIONS).stop();
    await s.close();
  }
});
