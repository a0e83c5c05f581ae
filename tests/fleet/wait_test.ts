// `?wait=applied` on writes: in a fleet the answer waits until every
// registered node reports the write's generation (B's nginx serves it when A
// answers), names the nodes that did not within the timeout (the write
// stands), and fencing such a node lets the wait pass. In kv mode the
// parameter is accepted and the answer is the usual one.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode, serves } from "./helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { readFleet, registerNode, removeNode } from "../../agent/fleet/status.ts";

const { test, until } = etcdSuite();

const node = (endpoints: string[], name: string) => fleetNode(endpoints, "wait", name);

test(
  "?wait=applied answers once every registered node applied, else names who did not",
  90_000,
  async (c) => {
    const alpha = httpBackend("alpha");
    const beta = httpBackend("beta");
    const a = await node(c.endpoints, "gw-a");
    const b = await node(c.endpoints, "gw-b");
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("wait");
    try {
      await until(
        "both registered",
        20_000,
        async () => (await readFleet(etcd, keys)).nodes.length === 2,
      );
      const pool = await a.api("PUT", "/api/pools/web?wait=applied&timeout=10s", {
        members: [{ address: alpha.address }],
      });
      assert.equal(pool.status, 201, JSON.stringify(pool.body));
      assert.equal(pool.body.fleet.applied, true, JSON.stringify(pool.body.fleet));
      assert.deepEqual(pool.body.fleet.waiting_for, []);
      const t0 = performance.now();
      const site = await a.api("PUT", "/api/sites/web?wait=applied", {
        server_names: ["web.test"],
        default_pool: "web",
      });
      const waited = performance.now() - t0;
      assert.equal(site.status, 201, JSON.stringify(site.body));
      assert.equal(site.body.fleet.applied, true);
      assert.equal(site.body.fleet.generation, pool.body.fleet.generation + 1);
      // No polling: B serves it as A answers.
      assert.ok(await serves(b, "web.test", "alpha"), "B serves the site when A's write answers");
      console.log(`site PUT ?wait=applied on A, live on A and B: ${Math.round(waited)} ms`);

      // A registered node that never reports (down, cut off): named, within the timeout.
      await registerNode(etcd, keys, "gw-ghost");
      const t1 = performance.now();
      const moved = await a.api("PUT", "/api/pools/web?wait=applied&timeout=1s", {
        members: [{ address: beta.address }],
      });
      const late = performance.now() - t1;
      assert.equal(moved.status, 200, JSON.stringify(moved.body)); // the write stands
      assert.equal(moved.body.version, 2);
      assert.equal(moved.body.fleet.applied, false);
      assert.deepEqual(
        moved.body.fleet.waiting_for.map((w: { node: string }) => w.node),
        [
          "gw-ghost",
        ],
      );
      assert.match(moved.body.fleet.waiting_for[0].why, /no status/);
      assert.ok(late >= 900 && late < 5000, `answered after ${Math.round(late)} ms`);
      assert.ok(await serves(b, "web.test", "beta"), "the nodes that report applied it");

      // Fenced, it is no longer waited for.
      assert.equal(await removeNode(etcd, keys, "gw-ghost"), true);
      const del = await b.api("DELETE", "/api/sites/web?wait=applied&timeout=5s");
      assert.equal(del.status, 200, JSON.stringify(del.body));
      assert.equal(del.body.deleted, true);
      assert.equal(del.body.fleet.applied, true);
      assert.equal((await a.api("GET", "/api/sites/web")).status, 404);
      const doc = await b.api("POST", "/api/apply?wait=applied", {
        sites: { doc: { server_names: ["doc.test"], default_pool: "web" } },
      });
      assert.equal(doc.status, 200, JSON.stringify(doc.body));
      assert.equal(doc.body.fleet.applied, true);
      assert.ok(await serves(a, "doc.test", "beta"), "A serves B's document when B answers");

      // B's rounds are refused (held): it reaches the generation but did not apply it.
      b.agent.rt.reconciler.hold("test: applies held on B");
      const held = await a.api("PUT", "/api/pools/web?wait=applied&timeout=5s", {
        members: [{ address: alpha.address }],
      });
      assert.equal(held.status, 200, JSON.stringify(held.body));
      assert.equal(held.body.fleet.applied, false, JSON.stringify(held.body.fleet));
      assert.deepEqual(held.body.fleet.waiting_for.map((w: { node: string }) => w.node), ["gw-b"]);
      assert.match(held.body.fleet.waiting_for[0].why, /failed: .*held on B/);
      b.agent.rt.reconciler.release();
      const back = await a.api("PUT", "/api/pools/web?wait=applied&timeout=10s", {
        members: [{ address: beta.address }],
      });
      assert.equal(back.body.fleet.applied, true, JSON.stringify(back.body.fleet));

      // A bad value is refused before anything is written.
      const bad = await a.api("PUT", "/api/pools/web?wait=everywhere", { members: [] });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.detail.field, "wait");
      const badT = await a.api("PUT", "/api/pools/web?wait=applied&timeout=soon", { members: [] });
      assert.equal(badT.body.error.detail.field, "timeout");
      assert.equal((await a.api("GET", "/api/pools/web")).body.version, 4);
    } finally {
      etcd.close();
      await a.close();
      await b.close();
      await alpha.close();
      await beta.close();
    }
  },
);

test("kv mode: ?wait=applied is the usual answer (after the local apply)", 30_000, async () => {
  const t = await startTestAgent();
  try {
    const r = await t.api("PUT", "/api/pools/kv?wait=applied&timeout=2s", {
      members: [{ address: "127.0.0.1:9" }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.fleet, undefined);
    assert.equal(r.body.apply.status, "applied");
  } finally {
    await t.close();
  }
});

test.stopAtEnd();
