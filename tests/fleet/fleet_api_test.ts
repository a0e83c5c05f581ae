// GET /api/fleet and DELETE /api/fleet/nodes/{node} (admin only) on two
// agents and a real etcd: both nodes at the generation, a registered node that
// never reports shows as no_status, fencing it removes it (audited) and a
// second fence is 404; `agent fleet status` prints one line per node. kv mode:
// the fleet is this node alone, and there is nothing to fence.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode } from "./helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { registerNode } from "../../agent/fleet/status.ts";
import { statusLines } from "../../agent/features/fleet/cli.ts";

const { test, until } = etcdSuite();

const node = (endpoints: string[], name: string) => fleetNode(endpoints, "api", name);

// deno-lint-ignore no-explicit-any
type Json = any;
const byName = (body: Json) => Object.fromEntries(body.nodes.map((n: Json) => [n.name, n]));

test("GET /api/fleet lists every node; a fence removes one; admin only", 90_000, async (c) => {
  const a = await node(c.endpoints, "gw-a");
  const b = await node(c.endpoints, "gw-b");
  const etcd = new Etcd({ endpoints: c.endpoints });
  try {
    const w = await a.api("PUT", "/api/pools/web?wait=applied", {
      members: [{ address: "127.0.0.1:9" }],
    });
    assert.equal(w.body.fleet.applied, true, JSON.stringify(w.body));
    await registerNode(etcd, fleetKeys("api"), "gw-gone", { rack: "r1" });

    const r = await b.api("GET", "/api/fleet");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.store, "etcd");
    assert.equal(r.body.node, "gw-b");
    assert.equal(r.body.stale, false);
    assert.equal(r.body.generation, w.body.fleet.generation);
    const n = byName(r.body);
    assert.deepEqual(Object.keys(n), ["gw-a", "gw-b", "gw-gone"]);
    for (const name of ["gw-a", "gw-b"]) {
      assert.equal(n[name].state, "ok", JSON.stringify(n[name]));
      assert.equal(n[name].lag, 0);
      assert.equal(n[name].registered, true);
      assert.equal(n[name].error, null);
      assert.ok(n[name].reported_at);
    }
    assert.equal(n["gw-b"].this, true);
    assert.equal(n["gw-a"].this, false);
    assert.equal(n["gw-gone"].state, "no_status");
    assert.equal(n["gw-gone"].applied_generation, null);
    assert.deepEqual(n["gw-gone"].labels, { rack: "r1" });

    const lines = statusLines(r.body, r.body.nodes);
    assert.match(lines[0], new RegExp(`^generation ${r.body.generation}, controller gw-[ab]$`));
    assert.match(lines.find((l) => l.startsWith("gw-b *"))!, /ok\s+\d+\s+0\s+\d{4}-/);
    assert.match(lines.find((l) => l.startsWith("gw-gone"))!, /no_status\s+-\s+-/);

    // Only an admin sees or fences the fleet (an operator token is refused).
    assert.equal((await a.api("PUT", "/api/tenants/t1", { domains: ["t1.test"] })).status, 201);
    const tok = await a.api("POST", "/api/tokens", { tenant: "t1", role: "operator", name: "ops" });
    assert.equal(tok.status, 201, JSON.stringify(tok.body));
    const as = (method: string, path: string) =>
      a.agent.app.request(path, {
        method,
        headers: { authorization: `Bearer ${tok.body.token}` },
      });
    assert.equal((await as("GET", "/api/fleet")).status, 403);
    assert.equal((await as("DELETE", "/api/fleet/nodes/gw-gone")).status, 403);

    const fenced = await a.api("DELETE", "/api/fleet/nodes/gw-gone");
    assert.equal(fenced.status, 200, JSON.stringify(fenced.body));
    assert.deepEqual(fenced.body, { removed: "gw-gone" });
    assert.deepEqual(Object.keys(byName((await a.api("GET", "/api/fleet")).body)), [
      "gw-a",
      "gw-b",
    ]);
    const again = await a.api("DELETE", "/api/fleet/nodes/gw-gone");
    assert.equal(again.status, 404);
    const audit = await a.api("GET", "/api/audit?limit=5");
    assert.ok(
      JSON.stringify(audit.body).includes("fleet.remove_node"),
      "the fence is in the audit log",
    );
    const bad = await a.api("DELETE", "/api/fleet/nodes/Not%20A%20Name");
    assert.equal(bad.status, 400, JSON.stringify(bad.body));

    // A fenced node that still reports shows as unregistered (and B comes back once fenced).
    assert.equal((await a.api("DELETE", "/api/fleet/nodes/gw-b")).status, 200);
    await b.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:10" }] });
    await until("B reports again, unregistered", 10_000, async () => {
      const x = byName((await a.api("GET", "/api/fleet")).body)["gw-b"];
      return x?.state === "unregistered" && x.registered === false;
    });
  } finally {
    etcd.close();
    await a.close();
    await b.close();
  }
});

test("kv mode: the fleet is this node; nothing to fence", 30_000, async () => {
  const t = await startTestAgent({ overrides: { node_name: "solo" } });
  try {
    await t.api("PUT", "/api/pools/kv", { members: [{ address: "127.0.0.1:9" }] });
    const r = await t.api("GET", "/api/fleet");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.store, "kv");
    assert.equal(r.body.nodes.length, 1);
    assert.equal(r.body.nodes[0].name, "solo");
    assert.equal(r.body.nodes[0].this, true);
    assert.equal(r.body.nodes[0].state, "ok");
    assert.match(statusLines(r.body, r.body.nodes)[0], /store = kv/);
    assert.equal((await t.api("DELETE", "/api/fleet/nodes/x")).status, 409);
    const doc = (await t.api("GET", "/api/openapi.json")).body;
    assert.ok(doc.paths["/api/fleet"]?.get, "the API reference lists GET /api/fleet");
    assert.ok(doc.paths["/api/fleet/nodes/{node}"]?.delete);
  } finally {
    await t.close();
  }
});

test(
  "etcd out of reach: GET /api/fleet answers this node as it knows itself, stale",
  90_000,
  async (c) => {
    const a = await node(c.endpoints, "gw-x");
    try {
      await a.api("PUT", "/api/pools/down?wait=applied", { members: [{ address: "127.0.0.1:9" }] });
      for (let i = 0; i < c.members.length; i++) await c.kill(i);
      const t0 = performance.now();
      const r = await a.api("GET", "/api/fleet");
      console.log(`GET /api/fleet with etcd down: ${Math.round(performance.now() - t0)} ms`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.stale, true);
      assert.equal(r.body.nodes.length, 1);
      assert.equal(r.body.nodes[0].name, "gw-x");
      assert.equal(r.body.nodes[0].this, true);
      assert.match(r.body.nodes[0].error, /^etcd: /);
      assert.ok(r.body.generation >= 1);
    } finally {
      await Promise.all(c.members.map((_, i) => c.restart(i)));
      await a.close();
    }
    await until("etcd answers again", 30_000, async () => {
      const e = new Etcd({ endpoints: c.endpoints });
      try {
        return await e.get("/x").then(() => true, () => false);
      } finally {
        e.close();
      }
    });
  },
);

test.stopAtEnd();
