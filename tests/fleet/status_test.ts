// Node registration, status on a kept-alive lease, and `waiting_for`: which
// registered nodes have not applied a generation. The pure parts first, then
// against a real 3-member etcd.
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { Etcd, type KeyValue } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import {
  fleetFromKvs,
  type NodeStatus,
  readFleet,
  registerNode,
  removeNode,
  StatusReporter,
} from "../../agent/fleet/status.ts";
import { failedAt, fleetRows, waitApplied, waitingFor } from "../../agent/fleet/waiting.ts";
import { etcdSuite } from "../helpers/etcd.ts";

const { test, sleep, until } = etcdSuite();

const status = (g: number, more: Partial<NodeStatus> = {}): NodeStatus => ({
  applied_generation: g,
  applied_revision: 100 + g,
  ok: true,
  error: null,
  nginx_version: "1.22.1",
  old_workers: 0,
  at: "2026-12-02T06:00:00.000Z",
  ...more,
});

const kv = (key: string, value: unknown): KeyValue => ({
  key,
  value: typeof value === "string" ? value : JSON.stringify(value),
  createRevision: 1,
  modRevision: 1,
  version: 1,
  lease: "",
});

Deno.test("fleet keys: /switchyard/<cluster>/..., names that would escape their node refused", () => {
  const k = fleetKeys("prod");
  assert.equal(k.status("gw1"), "/switchyard/prod/nodes/gw1/status");
  assert.equal(k.generation, "/switchyard/prod/desired/generation");
  assert.deepEqual(k.nodeKey("/switchyard/prod/nodes/gw1/registered"), {
    node: "gw1",
    what: "registered",
  });
  assert.equal(k.nodeKey("/switchyard/prod/nodes/gw1/a/b"), undefined);
  for (const bad of ["gw/2", "", "GW", "-gw", "gw 1"]) {
    assert.throws(() => k.status(bad), (e: unknown) => {
      assert.ok(e instanceof AgentError);
      assert.equal(e.code, "VALIDATION_FAILED");
      assert.equal(e.detail.field, "node_name");
      return true;
    });
  }
  assert.throws(() => fleetKeys("a/b"), { code: "VALIDATION_FAILED" });
});

Deno.test("waiting_for: registered nodes behind G, without a status, or with old workers; others not", () => {
  const k = fleetKeys("c");
  const reg = { since: "2026-12-01T00:00:00.000Z", labels: {} };
  const nodes = fleetFromKvs(k, [
    kv(k.registered("gw1"), reg),
    kv(k.status("gw1"), status(7)),
    kv(k.registered("gw2"), reg),
    kv(k.status("gw2"), status(6, { ok: false, error: "port 443 taken" })),
    kv(k.registered("gw3"), reg), // its lease expired: no status
    kv(k.registered("gw4"), reg),
    kv(k.status("gw4"), status(8, { old_workers: 2 })),
    kv(k.status("gw5"), status(1)), // fenced but still reporting: not waited on
    kv(k.status("gw6"), "{not json"),
  ]);
  assert.deepEqual(nodes.map((n) => n.name), ["gw1", "gw2", "gw3", "gw4", "gw5", "gw6"]);
  assert.deepEqual(nodes[5].unreadable, ["/switchyard/c/nodes/gw6/status: not JSON"]);
  assert.deepEqual(waitingFor(nodes, 7), [
    { node: "gw2", why: "applied generation 6, not yet 7; its last apply failed: port 443 taken" },
    {
      node: "gw3",
      why: "no status: not reported yet, or its lease expired (down or cut off from etcd)",
    },
  ]);
  assert.deepEqual(waitingFor(nodes, 7, { oldWorkers: true }).map((w) => w.node), [
    "gw2",
    "gw3",
    "gw4",
  ]);
  assert.deepEqual(waitingFor(nodes, 6).map((w) => w.node), ["gw3"]);
  assert.deepEqual(waitingFor([], 9), []);
  // ?wait=applied also names a node whose round at G failed (a barrier does not wait on it).
  assert.deepEqual(failedAt(nodes, 6), [
    { node: "gw2", why: "its round at generation 6 failed: port 443 taken" },
  ]);
  assert.deepEqual(failedAt(nodes, 7), []);
  assert.deepEqual(fleetRows(nodes, 7).map((r) => [r.name, r.state, r.lag]), [
    ["gw1", "ok", 0],
    ["gw2", "failed", 1],
    ["gw3", "no_status", null],
    ["gw4", "ok", 0],
    ["gw5", "unregistered", 6],
    ["gw6", "unregistered", null],
  ]);
  assert.deepEqual([fleetRows(nodes, 8)[0].state, fleetRows(nodes, 8)[0].lag], ["behind", 1]);
  const gw2 = fleetRows(nodes, 7)[1];
  assert.deepEqual(gw2, {
    name: "gw2",
    state: "failed",
    since: "2026-12-01T00:00:00.000Z",
    labels: {},
    applied_generation: 6,
    lag: 1,
    error: "port 443 taken",
    nginx_version: "1.22.1",
    old_workers: 0,
    reported_at: "2026-12-02T06:00:00.000Z",
  });
});

test(
  "register (idempotent, since kept), report on a lease, read the fleet, fence a node",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("s1");
    const first = await registerNode(etcd, keys, "gw1", { zone: "a" }, () => new Date(1000));
    assert.deepEqual(first, { since: "1970-01-01T00:00:01.000Z", labels: { zone: "a" } });
    const again = await registerNode(etcd, keys, "gw1", { zone: "b" }, () => new Date(2000));
    assert.deepEqual(again, { since: "1970-01-01T00:00:01.000Z", labels: { zone: "b" } });
    await registerNode(etcd, keys, "gw2");

    const r1 = new StatusReporter(etcd, keys, "gw1", 2);
    await r1.report(status(3));
    const stored = await etcd.get(keys.status("gw1"));
    assert.equal(stored?.lease, r1.lease);
    assert.deepEqual(JSON.parse(stored!.value), status(3));
    await assert.rejects(
      r1.report({ ...status(4), ok: "yes" } as unknown as NodeStatus),
      { code: "VALIDATION_FAILED", detail: { field: "status.ok" } },
    );

    const fleet = await readFleet(etcd, keys);
    assert.deepEqual(
      fleet.nodes.map((n) => [n.name, n.registered?.labels, n.status?.applied_generation]),
      [
        ["gw1", { zone: "b" }, 3],
        ["gw2", {}, undefined],
      ],
    );
    assert.deepEqual(waitingFor(fleet.nodes, 3).map((w) => w.node), ["gw2"]);

    assert.equal(await removeNode(etcd, keys, "gw2"), true);
    assert.equal(await removeNode(etcd, keys, "gw2"), false);
    assert.deepEqual(waitingFor((await readFleet(etcd, keys)).nodes, 3), []);
    await r1.stop({ revoke: true });
    assert.equal(
      await etcd.get(keys.status("gw1")),
      undefined,
      "a clean stop takes the status away",
    );
    assert.ok(await etcd.get(keys.registered("gw1")), "the registration stays");
  },
);

test(
  "a stopped node's status expires with its lease and it is waited on; a lost lease is replaced",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("s2");
    await registerNode(etcd, keys, "gw1");
    const r = new StatusReporter(etcd, keys, "gw1", 1);
    await r.report(status(5));
    await sleep(1500);
    assert.ok(await etcd.get(keys.status("gw1")), "kept alive past the TTL");

    // The lease goes under it (as after a partition longer than the TTL): the status comes back.
    const old = r.lease;
    await etcd.revoke(old);
    await until("the status is back on a new lease", 5000, async () => {
      const s = await etcd.get(keys.status("gw1"));
      return !!s && s.lease !== old;
    });

    await r.stop(); // no revoke: it expires on its own, like a node that died
    await until("the status expired", 5000, async () => !(await etcd.get(keys.status("gw1"))));
    const w = waitingFor((await readFleet(etcd, keys)).nodes, 5);
    assert.deepEqual(w.map((x) => x.node), ["gw1"]);
    assert.match(w[0].why, /lease expired/);
  },
);

test(
  "waitApplied returns when the last node reports G, or at its timeout naming who is missing",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("s3");
    const reporters = ["gw1", "gw2", "gw3"].map((n) => new StatusReporter(etcd, keys, n, 5));
    for (const [i, r] of reporters.entries()) {
      await registerNode(etcd, keys, r.node);
      await r.report(status(i === 2 ? 1 : 2));
    }
    assert.deepEqual(
      await waitApplied(etcd, keys, 1, { timeoutMs: 1000 }).then((x) => x.applied),
      true,
    );

    let sent = false;
    const late = sleep(300).then(() => (sent = true, reporters[2].report(status(2))));
    const w = await waitApplied(etcd, keys, 2, { timeoutMs: 5000 });
    assert.equal(sent, true, "it waited for the last node");
    await late;
    assert.deepEqual([w.applied, w.waiting_for], [true, []]);

    const timedOut = await waitApplied(etcd, keys, 3, { timeoutMs: 500 });
    assert.equal(timedOut.applied, false);
    assert.deepEqual(timedOut.waiting_for.map((x) => x.node), ["gw1", "gw2", "gw3"]);

    // Two report 3 while waiting; the third is fenced: the wait ends without it.
    const waiting = waitApplied(etcd, keys, 3, { timeoutMs: 5000 });
    await reporters[0].report(status(3));
    await reporters[1].report(status(3));
    await removeNode(etcd, keys, "gw3");
    assert.equal((await waiting).applied, true);
    for (const r of reporters) await r.stop({ revoke: true });
  },
);

test.stopAtEnd();
