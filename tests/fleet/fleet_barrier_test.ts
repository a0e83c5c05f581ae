// The fleet's migration barrier (agent/features/fleet/barrier.ts) against a
// real 3-member etcd, with node keys written by hand: it passes only when
// every registered node reports generation >= G, a round that did not fail and
// no old nginx worker; a node whose status lease went is waited on (named,
// with how long ago and how to fence it) until it is fenced; a fenced node
// that still reports is not waited on; and a wait passes as soon as the last
// node catches up.
import assert from "node:assert/strict";
import { etcdSuite } from "../helpers/etcd.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { type NodeStatus, registerNode, removeNode } from "../../agent/fleet/status.ts";
import { FleetBarrier } from "../../agent/features/fleet/barrier.ts";

const { test, sleep } = etcdSuite();

const status = (g: number, o: Partial<NodeStatus> = {}): string =>
  JSON.stringify(
    {
      applied_generation: g,
      applied_revision: 1,
      ok: true,
      error: null,
      nginx_version: "1.22.1",
      old_workers: 0,
      at: new Date().toISOString(),
      ...o,
    } satisfies NodeStatus,
  );

test(
  "FleetBarrier: behind, old workers, failed round, expired, fenced; passes when all caught up",
  60_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("barrier");
    const b = new FleetBarrier(() => etcd, keys);
    const put = (n: string, v: string, lease?: string) =>
      etcd.put(keys.status(n), v, lease ? { lease } : {});
    try {
      for (const n of ["gw1", "gw2", "gw3", "gw4"]) await registerNode(etcd, keys, n);
      await put("gw1", status(42));
      await put("gw2", status(41));
      await put("gw3", status(42, { old_workers: 1 }));
      await put("gw4", status(42, { ok: false, error: "nginx -t: port 8443 taken" }));
      // A node fenced earlier that still reports an old generation: not waited on.
      await put("gw9", status(3));
      assert.deepEqual(await b.holding(42), [
        "gw2: generation 41 < 42",
        "gw3: 1 old nginx worker(s)",
        "gw4: its round at generation 42 failed: nginx -t: port 8443 taken; fix it there, or fence it with agent fleet remove-node gw4 if it is gone",
      ]);

      // A wait times out naming them; the answer also says what it saw.
      const t0 = Date.now();
      const late = await b.wait(42, { timeoutMs: 600 });
      assert.equal(late.ok, false);
      assert.ok(Date.now() - t0 >= 600);
      assert.equal(late.waiting_for.length, 3);
      assert.ok(late.seen.includes("gw2: generation < 42"), late.seen.join("; "));

      // The behind node catches up while a wait runs; the other two settle: it passes.
      const seenWaits: string[][] = [];
      const waiting = b.wait(42, { timeoutMs: 20_000, onWait: (w) => seenWaits.push(w) });
      await sleep(400);
      await put("gw2", status(42));
      await put("gw3", status(42));
      await put("gw4", status(43));
      const ok = await waiting;
      assert.equal(ok.ok, true, ok.waiting_for.join("; "));
      assert.deepEqual(ok.waiting_for, []);
      assert.ok(ok.waitedMs >= 300, String(ok.waitedMs));
      assert.ok(seenWaits.length >= 1 && seenWaits[0].length === 3, JSON.stringify(seenWaits));

      // gw2's status lease goes (down, or cut off from etcd): waited on, not skipped.
      const lease = await etcd.grant(30);
      await put("gw2", status(42), lease.id);
      assert.deepEqual(await b.holding(42), []);
      await etcd.revoke(lease.id);
      await sleep(1100);
      const gone = await b.holding(42);
      assert.equal(gone.length, 1);
      assert.match(
        gone[0],
        /^gw2: no status \(lease expired [12] s ago\); fence it with agent fleet remove-node gw2 if it is gone$/,
      );
      const held = await b.wait(42, { timeoutMs: 500 });
      assert.equal(held.ok, false, "an expired node holds the barrier");
      // A node this barrier never saw report: it cannot say since when.
      await registerNode(etcd, keys, "gw5");
      assert.match(
        (await b.holding(42)).join("\n"),
        /gw5: no status \(its lease expired, or it never reported\); fence it with agent fleet remove-node gw5/,
      );

      // An operator fences both (agent fleet remove-node): the wait in progress passes.
      const fenced = b.wait(42, { timeoutMs: 20_000 });
      await sleep(300);
      assert.equal(await removeNode(etcd, keys, "gw2"), true);
      assert.equal(await removeNode(etcd, keys, "gw5"), true);
      const after = await fenced;
      assert.equal(after.ok, true, after.waiting_for.join("; "));

      // Aborted (the run stops): it answers at once, not at the deadline.
      await put("gw1", status(41));
      const ac = new AbortController();
      const t1 = Date.now();
      setTimeout(() => ac.abort(), 200);
      const stopped = await b.wait(42, { timeoutMs: 60_000, signal: ac.signal });
      assert.equal(stopped.ok, false);
      assert.ok(Date.now() - t1 < 2000);
      assert.deepEqual(stopped.waiting_for, ["gw1: generation 41 < 42"]);
    } finally {
      await etcd.delete(keys.prefix, { prefix: true }).catch(() => {});
      etcd.close();
    }
  },
);

test("FleetBarrier: with etcd out of reach nothing passes, and it says why", 30_000, async () => {
  const etcd = new Etcd({ endpoints: ["http://127.0.0.1:9"] });
  try {
    const b = new FleetBarrier(() => etcd, fleetKeys("barrier"));
    const r = await b.wait(1, { timeoutMs: 300 });
    assert.equal(r.ok, false);
    assert.match(r.waiting_for[0], /^etcd: /);
    const none = await new FleetBarrier(() => null, fleetKeys("barrier")).wait(1, {
      timeoutMs: 100,
    });
    assert.equal(none.ok, false);
    assert.match(none.waiting_for[0], /does not follow the fleet/);
  } finally {
    etcd.close();
  }
});

test.stopAtEnd();
