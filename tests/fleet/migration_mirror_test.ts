// SLOW (about 30 s): real agent processes, real etcd, s3rver, rclone and nginx.
// A bucket migration in a fleet of two agents, run by the controller gw-a.
// During the split a client deletes keys THROUGH gw-b's nginx while the source
// refuses deletes: gw-b's nginx mirrored them, the source said no, and only
// gw-b's log says so. gw-b reports a failed round naming the keys, the
// controller's barrier waits for it (waiting_for names gw-b), and once the
// source takes deletes again gw-b makes them itself: the migration ends done
// and no deleted key is back, through either nginx or on the destination.
// (Before, only the controller read its own log: the verify copy brought them back.)
// The second test does the same while aborting, the destination refusing.
import assert from "node:assert/strict";
import { etcdSuite } from "../helpers/etcd.ts";
import { assertModelOn, BUCKET, sleep, startHotToCold } from "../migrations/helpers.ts";
import {
  type FleetNodeProc,
  type Json,
  logOf,
  type MigrationFleet,
  migrationFleet,
  until,
  watch,
} from "./migration_fleet.ts";

const { test } = etcdSuite();

type Client = MigrationFleet["direct"][number];

/** Until a write through `node`'s nginx lands on `on` (its split is live); `model` keeps them. */
async function writesLandOn(
  node: FleetNodeProc,
  on: Client,
  what: string,
  model?: Map<string, string | null>,
) {
  let n = 0;
  await until(what, 20_000, async () => {
    const k = `probe/${n++}.txt`;
    await node.gateway.putObject(BUCKET, k, k);
    model?.set(k, k);
    return (await on.getObject(BUCKET, k).catch(() => null))?.status === 200;
  });
}

const DELETED = ["obj/0001.txt", "obj/0002.txt", "obj/0003.txt"];
const refusingDeletes = (method: string, url: URL) =>
  method === "DELETE" || (method === "POST" && url.searchParams.has("delete"));

test(
  "a delete made through another node's nginx that the source refused stays deleted",
  85_000,
  async (c) => {
    const t0 = Date.now();
    const f = await migrationFleet(c.endpoints, "mig-mirror", ["gw-a", "gw-b"], 40);
    const [a, b] = f.nodes;
    const [hot, cold] = f.direct;
    let frozen = false;
    try {
      const id: string = await startHotToCold(a.agent);
      const seen: string[] = [];
      const note = (m: Json) => seen.at(-1) !== m.phase && seen.push(m.phase);
      await watch(a.agent, id, "the split", 60_000, (m) => m.phase === "write_routing", note);
      // gw-b's split is live once a write through it lands on the destination.
      await writesLandOn(b, cold, "gw-b writes to cold", f.model);
      // The controller is frozen a moment (its nginx serves on), so no verify pass lists
      // before the deletes: without the fix its copy brings them back.
      Deno.kill(a.agent.child.pid, "SIGSTOP");
      frozen = true;
      const frozenAt = Date.now();
      const phase = (await b.agent.api("GET", `/api/migrations/${id}`)).body.phase;
      assert.ok(["write_routing", "verifying"].includes(phase), phase);

      f.servers[0].refuse = refusingDeletes;
      await b.gateway.deleteObject(BUCKET, DELETED[0]);
      const many = await b.gateway.deleteObjects(BUCKET, DELETED.slice(1));
      assert.deepEqual(many.errors, [], "the client's deletes succeed (on the destination)");
      for (const k of DELETED) f.model.set(k, null);
      assert.ok((await hot.listAll(BUCKET)).some((o) => o.key === DELETED[0]), "still on hot");

      // gw-b's status: a failed round naming the keys it cannot delete on hot.
      let failed: Json = null;
      // (within the controller's election lease, 10 s: it must still lead when it thaws)
      let rows: Json[] = [];
      await until("gw-b reports the refused deletes", 7_000, async () => {
        rows = (await b.agent.api("GET", "/api/fleet")).body.nodes as Json[];
        failed = rows.find((x) => x.name === "gw-b" && x.state === "failed") ?? null;
        return DELETED.every((k) => failed?.error?.includes(k));
      }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(rows)}`));
      Deno.kill(a.agent.child.pid, "SIGCONT");
      frozen = false;
      const thawedAt = Date.now();

      // The controller's barrier waits for gw-b while hot refuses.
      const waiting = await watch(
        a.agent,
        id,
        "waiting_for names gw-b",
        30_000,
        (m) => m.progress?.waiting_for?.some((w: string) => /^gw-b: .*obj\/0001\.txt/.test(w)),
        note,
      );
      await sleep(2000);
      const still = (await a.agent.api("GET", `/api/migrations/${id}`)).body;
      assert.ok(
        still.progress?.waiting_for?.some((w: string) => w.startsWith("gw-b: ")),
        `still waits for gw-b: ${JSON.stringify(still.progress)}`,
      );
      assert.ok(["write_routing", "verifying"].includes(still.phase), still.phase);
      f.servers[0].refuse = null;
      const liftedAt = Date.now();

      const done = await watch(a.agent, id, "done", 60_000, (m) => m.phase === "done", note);
      for (const cl of [cold, a.gateway, b.gateway]) {
        const keys = new Set((await cl.listAll(BUCKET)).map((o) => o.key));
        for (const k of DELETED) assert.ok(!keys.has(k), `${k} deleted by the client is not back`);
      }
      await assertModelOn(cold, f.model);
      await assertModelOn(a.gateway, f.model);
      await assertModelOn(b.gateway, f.model);
      const hotKeys = new Set((await hot.listAll(BUCKET)).map((o) => o.key));
      assert.ok(DELETED.every((k) => !hotKeys.has(k)), "gw-b made the deletes on hot itself");
      const out = b.agent.stdout() + b.agent.stderr();
      assert.match(out, /3 delete\(s\) hot refused made again by this node/);
      const log = await logOf(a.agent, id);
      if (phase === "write_routing") { // (the split's barrier logs what it waited for)
        assert.ok(
          log.some((l) => /the barrier waited [\d.]+ s for .*gw-b: /.test(l)),
          log.join("\n"),
        );
      }
      assert.equal(done.orphaned_source?.pool, "hot");
      console.log(
        `phases ${seen.join(" > ")}; gw-b reported the refused deletes ${
          ((thawedAt - frozenAt) / 1000).toFixed(1)
        } s after the freeze (${failed.error.slice(0, 160)}...); the controller waited for gw-b: ${
          JSON.stringify(waiting.progress.waiting_for).slice(0, 200)
        }; done ${((Date.now() - liftedAt) / 1000).toFixed(1)} s after hot took deletes again; ${
          ((Date.now() - t0) / 1000).toFixed(1)
        } s in all`,
      );
    } finally {
      f.servers[0].refuse = null;
      if (frozen) Deno.kill(a.agent.child.pid, "SIGCONT");
      await f.close();
    }
  },
);

test(
  "aborting: a delete through another node's nginx that the destination refused is not copied back",
  60_000,
  async (c) => {
    const t0 = Date.now();
    const f = await migrationFleet(c.endpoints, "mig-mirror-abort", ["gw-a", "gw-b"], 20);
    const [a, b] = f.nodes;
    const [hot, cold] = f.direct;
    let frozen = false;
    try {
      const id: string = await startHotToCold(a.agent);
      await watch(a.agent, id, "verifying", 60_000, (m) => m.phase === "verifying");
      // Client writes during the split (on cold only): the abort copies them back to hot.
      await b.gateway.putObject(BUCKET, "split/a.txt", "deleted while aborting");
      await b.gateway.putObject(BUCKET, "split/b.txt", "kept");
      assert.equal((await a.agent.api("POST", `/api/migrations/${id}/cancel`)).status, 202);
      await watch(a.agent, id, "aborting", 60_000, (m) => m.phase === "aborting");
      // gw-b's reversed split is live once a write through it lands on the source.
      await writesLandOn(b, hot, "gw-b writes to hot");
      Deno.kill(a.agent.child.pid, "SIGSTOP"); // no copy back lists before the delete
      frozen = true;
      f.servers[1].refuse = refusingDeletes;
      await b.gateway.deleteObject(BUCKET, "split/a.txt");
      let rows: Json[] = [];
      await until("gw-b reports the refused delete", 7_000, async () => {
        rows = (await b.agent.api("GET", "/api/fleet")).body.nodes as Json[];
        return rows.some((x) =>
          x.name === "gw-b" && x.state === "failed" && /cold.*split\/a\.txt/.test(x.error)
        );
      }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(rows)}`));
      Deno.kill(a.agent.child.pid, "SIGCONT");
      frozen = false;
      await watch(
        a.agent,
        id,
        "waiting_for names gw-b",
        30_000,
        (m) => m.progress?.waiting_for?.some((w: string) => /^gw-b: .*split\/a\.txt/.test(w)),
      );
      f.servers[1].refuse = null;
      await watch(a.agent, id, "cancelled", 60_000, (m) => m.phase === "cancelled");
      for (const cl of [hot, cold, a.gateway, b.gateway]) {
        const keys = new Set((await cl.listAll(BUCKET)).map((o) => o.key));
        assert.ok(!keys.has("split/a.txt"), "the key deleted by the client is not back");
      }
      for (const cl of [hot, a.gateway, b.gateway]) {
        const got = await cl.getObject(BUCKET, "split/b.txt");
        assert.equal(await got.text(), "kept", "the other client write is copied back");
      }
      const out = b.agent.stdout() + b.agent.stderr();
      assert.match(out, /1 delete\(s\) cold refused made again by this node: split\/a\.txt/);
      console.log(
        `aborting: cancelled with the delete kept; ${
          ((Date.now() - t0) / 1000).toFixed(1)
        } s in all`,
      );
    } finally {
      f.servers[1].refuse = null;
      if (frozen) Deno.kill(a.agent.child.pid, "SIGCONT");
      await f.close();
    }
  },
);

test.stopAtEnd();
