// The fleet's controller election: of two agents on a real etcd one is the
// controller and alone runs the once-per-fleet jobs (here expiry, every
// second); the other skips them, saying why. When the controller stops, the
// other takes over within seconds and runs them. Per-node jobs run on both.
// A controller whose lease etcd drops (expired, revoked) steps down at once.
import assert from "node:assert/strict";
import type { TestAgent } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode } from "./helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";

const { test, until } = etcdSuite();

const node = (endpoints: string[], name: string) =>
  fleetNode(endpoints, "ctl", name, { overrides: { expiry_interval: 1, drift_interval: 1 } });

// deno-lint-ignore no-explicit-any
type Json = any;
const job = async (t: TestAgent, name: string): Promise<Json> =>
  (await t.api("GET", "/api/scheduler")).body.jobs.find((j: Json) => j.name === name);
const controllerOf = async (t: TestAgent) => (await t.api("GET", "/api/fleet")).body.controller;

test(
  "one controller runs the once-per-fleet jobs; the other takes over when it stops",
  90_000,
  async (c) => {
    const a = await node(c.endpoints, "gw-a");
    const b = await node(c.endpoints, "gw-b");
    const closed = new Set<TestAgent>();
    try {
      await until("a controller is elected", 10_000, async () => !!(await controllerOf(a)));
      const first = await controllerOf(a);
      assert.equal(await controllerOf(b), first);
      const [lead, other] = first === "gw-a" ? [a, b] : [b, a];
      await until(
        "the controller ran expiry",
        10_000,
        async () => (await job(lead, "expiry")).runs >= 2,
      );
      const skipped = await job(other, "expiry");
      assert.equal(skipped.runs, 0, JSON.stringify(skipped));
      assert.equal(skipped.once_per_fleet, true);
      assert.match(skipped.skipped, /not the fleet's controller/);
      assert.equal((await job(lead, "expiry")).skipped, null);
      // A per-node job runs on both.
      await until(
        "drift ran on both",
        10_000,
        async () => (await job(a, "drift")).runs > 0 && (await job(b, "drift")).runs > 0,
      );
      assert.equal((await job(other, "drift")).once_per_fleet, false);
      const rows = (await other.api("GET", "/api/fleet")).body.nodes;
      assert.deepEqual(
        rows.filter((n: Json) => n.controller).map((n: Json) => n.name),
        [first],
      );

      // The controller stops (its lease is revoked): the other takes over.
      const t0 = performance.now();
      await lead.close();
      closed.add(lead);
      await until(
        "the other becomes the controller",
        10_000,
        async () => (await controllerOf(other)) === (first === "gw-a" ? "gw-b" : "gw-a"),
      );
      await until("and runs expiry", 10_000, async () => (await job(other, "expiry")).runs > 0);
      console.log(
        `controller stopped -> the other ran expiry: ${Math.round(performance.now() - t0)} ms`,
      );
      assert.equal((await job(other, "expiry")).skipped, null);
    } finally {
      for (const t of [a, b]) if (!closed.has(t)) await t.close();
    }
  },
);

test("a controller whose lease etcd revoked steps down; the other leads", 60_000, async (c) => {
  const a = await node(c.endpoints, "gw-c");
  const b = await node(c.endpoints, "gw-d");
  const etcd = new Etcd({ endpoints: c.endpoints });
  try {
    await until("a controller is elected", 10_000, async () => !!(await controllerOf(a)));
    const leader = (await etcd.leader(fleetKeys("ctl").controller))!;
    const [lead, other] = leader.value === "gw-c" ? [a, b] : [b, a];
    await until(
      "the controller runs expiry",
      10_000,
      async () => (await job(lead, "expiry")).runs > 0,
    );
    const t0 = performance.now();
    await etcd.revoke(leader.lease); // as when etcd expires it (the node was cut off)
    await until(
      "the other leads",
      10_000,
      async () => (await controllerOf(other)) !== leader.value,
    );
    await until(
      "the old controller skips expiry",
      3_000,
      async () => /not the fleet's controller/.test((await job(lead, "expiry")).skipped ?? ""),
    );
    const ranBefore = (await job(lead, "expiry")).runs;
    await until("the other runs expiry", 10_000, async () => (await job(other, "expiry")).runs > 0);
    console.log(
      `lease revoked -> the old controller skips, the other ran expiry: ${
        Math.round(performance.now() - t0)
      } ms`,
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await job(lead, "expiry")).runs, ranBefore, "the old controller ran no more");
  } finally {
    etcd.close();
    await a.close();
    await b.close();
  }
});

test.stopAtEnd();
