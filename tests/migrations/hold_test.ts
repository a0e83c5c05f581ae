// The hold closes the post-split copy race. A PUT an old nginx worker finished
// on the source after the split (D8) leaves a key the verify pass must copy.
// Before the hold, a client overwrite of that key made while rclone copied it
// was replaced by rclone's copy of the older write. Now the key is held: a
// write to it answers 503 SlowDown (reads and other keys are untouched), the
// client retries as S3 SDKs do, and its write lands after the copy and wins.
import assert from "node:assert/strict";
import { BUCKET, follow, heldBarrier, migrationSetup, sleep, startHotToCold } from "./helpers.ts";
import { MigrationEngine, MIGRATIONS } from "../../agent/features/migrations/engine.ts";
import { SingleHostBarrier } from "../../agent/features/migrations/barrier.ts";
import { S3Client } from "../../agent/features/storage/s3-client.ts";
import { SHARED_SECRET } from "../storage/helpers.ts";
import { S3_ACCESS_KEY } from "../helpers/s3.ts";

const LATE = "late/after-the-split.txt";

Deno.test("after the split a key being copied is held: its writes get 503 SlowDown, reads and other keys pass, the client's retried write wins", async () => {
  const { s } = await migrationSetup(20, { multipart: false });
  const rt = s.t.agent.rt;
  // deno-lint-ignore no-explicit-any
  const rec = async () => (await rt.store.list("migration"))[0] as any;
  let stopAt: "split" | "hold" | null = "split";
  const real = new SingleHostBarrier(rt.nginx, () => rt.reconciler.currentGeneration);
  const gated = heldBarrier(real, async () => {
    const m = await rec();
    const held = m.phase === "verifying" && (m.held?.length ?? 0) > 0;
    return (stopAt === "split" && m.phase === "write_routing") || (stopAt === "hold" && held);
  });
  rt.setService(MIGRATIONS, new MigrationEngine(rt as never, gated));
  const raw = new S3Client({
    endpoint: `http://127.0.0.1:${s.t.httpPort}`,
    region: "us-east-1",
    accessKey: S3_ACCESS_KEY,
    secretKey: SHARED_SECRET,
    timeoutMs: 30_000,
    retries: 0,
  });
  try {
    const id = await startHotToCold(s.t);
    await follow(s.t, id, (m) => m.phase === "write_routing", 60_000);
    // What an old worker finishing a PUT on the source looks like (D8).
    await s.direct[0].putObject(BUCKET, LATE, "old write, finished on the source");
    stopAt = "hold";
    const m = await follow(s.t, id, (m) => (m.held ?? []).includes(LATE), 60_000);
    assert.equal(m.phase, "verifying");
    // The hold is live once its generation is: probe with a DeleteObjects of a key
    // that does not exist (it writes nothing, and is held while anything is).
    const probe = () =>
      raw.request("POST", `/${BUCKET}`, {
        query: { delete: "" },
        body: "<Delete><Object><Key>no/such/key</Key></Object></Delete>",
        ok: [503],
      });
    let live = 0;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(50)) {
      const p = await probe();
      await p.body?.cancel();
      if ((live = p.status) === 503) break;
    }
    assert.equal(
      live,
      503,
      "DeleteObjects (its body may name a held key) waits while keys are held",
    );
    const put = await raw.request("PUT", `/${BUCKET}/${LATE}`, { body: "too early", ok: [503] });
    assert.equal(put.status, 503, "a write to a held key is refused while it is copied");
    const xml = await put.text();
    assert.match(xml, /<Code>SlowDown<\/Code>/);
    assert.equal(put.headers.get("retry-after"), "1");
    const get = await raw.request("GET", `/${BUCKET}/${LATE}`);
    assert.equal(await get.text(), "old write, finished on the source", "reads pass the hold");
    const other = await raw.request("PUT", `/${BUCKET}/new/free.txt`, { body: "free" });
    await other.body?.cancel(); // every answer is read: an unread one ties up its connection
    assert.equal(other.status, 200, "keys not held are written as usual");
    const del = await raw.request("DELETE", `/${BUCKET}/${LATE}`, { ok: [503] });
    await del.body?.cancel();
    assert.equal(del.status, 503, "so does a DELETE of a held key");
    // A client that retries (as S3 SDKs do) while the copy runs: its write lands after it.
    const before = s.gateway.slowDowns;
    const retried = s.gateway.putObject(BUCKET, LATE, "the client's last write");
    await sleep(300);
    stopAt = null;
    await retried;
    assert.ok(s.gateway.slowDowns > before, "the client saw SlowDown and retried");
    const done = await follow(s.t, id, (m) => m.phase === "done", 240_000);
    assert.equal(done.held.length, 0, "nothing is held after the switch");
    const got = await (await s.direct[1].request("GET", `/${BUCKET}/${LATE}`)).text();
    assert.equal(got, "the client's last write", "the client's write is not replaced by the copy");
    assert.equal(
      await (await s.direct[1].request("GET", `/${BUCKET}/new/free.txt`)).text(),
      "free",
    );
    const log = (await s.t.api("GET", `/api/migrations/${id}/log`)).body.log.join("\n");
    assert.match(log, /holding client writes to 1 key\(s\)/);
    const conf = await Deno.readTextFile(`${s.t.settings.nginx_dir}/current/site-s3.conf`);
    assert.doesNotMatch(conf, /sy_mig_/, "no split or hold left in nginx");
  } finally {
    stopAt = null;
    await rt.use(MIGRATIONS).stop();
    await s.close();
  }
});
