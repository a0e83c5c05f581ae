// Two agents, each with its own private nginx, on one desired state in a real
// 3-member etcd (store = "etcd"): a write on one is served by the other's
// nginx, a stale If-Match is 412 across nodes, and with etcd fully down a write
// is 503 SHARED_STORE_UNAVAILABLE, nothing changes locally and nginx keeps
// serving; etcd back, writes work again.
import assert from "node:assert/strict";
import type { TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode, serves } from "./helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { readFleet } from "../../agent/fleet/status.ts";

const { test, until } = etcdSuite();

const node = (endpoints: string[], name: string, again?: TestAgent) =>
  fleetNode(endpoints, "two", name, { again });

test(
  "a write on A is served by B's nginx; B's writes reach A; stale If-Match is 412",
  90_000,
  async (c) => {
    const alpha = httpBackend("alpha");
    const beta = httpBackend("beta");
    const a = await node(c.endpoints, "gw-a");
    const b = await node(c.endpoints, "gw-b");
    const etcd = new Etcd({ endpoints: c.endpoints });
    try {
      const pool = await a.api("PUT", "/api/pools/web", { members: [{ address: alpha.address }] });
      assert.equal(pool.status, 201, JSON.stringify(pool.body));
      const t0 = performance.now();
      const site = await a.api("PUT", "/api/sites/web", {
        server_names: ["web.test"],
        default_pool: "web",
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      const onA = performance.now() - t0; // the PUT answers once A's nginx serves it
      assert.ok(await serves(a, "web.test", "alpha"));
      await until("B serves A's site", 20_000, () => serves(b, "web.test", "alpha"));
      const ms = (x: number) => `${Math.round(x)} ms`;
      console.log(`site PUT on A: live on A ${ms(onA)}, on B ${ms(performance.now() - t0)}`);
      const onB = await b.api("GET", "/api/pools/web");
      assert.equal(onB.body.version, 1);

      // B writes: A serves it.
      const moved = await b.api("PUT", "/api/pools/web", { members: [{ address: beta.address }] });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.version, 2);
      await until("A serves B's change", 20_000, () => serves(a, "web.test", "beta"));

      // A changes it again; B's If-Match on what it saw before is refused.
      const again = await a.api("PUT", "/api/pools/web", {
        members: [{ address: alpha.address }],
      }, { "if-match": '"2"' });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const stale = await b.api("PUT", "/api/pools/web", {
        members: [{ address: beta.address }],
      }, { "if-match": '"2"' });
      assert.equal(stale.status, 412, JSON.stringify(stale.body));
      await until("B serves A's last change", 20_000, () => serves(b, "web.test", "alpha"));

      // Both nodes registered and report the generation they applied.
      const keys = fleetKeys("two");
      const gen = Number((await etcd.get(keys.generation))!.value);
      await until("both report the last generation", 20_000, async () => {
        const f = await readFleet(etcd, keys);
        return f.nodes.length === 2 &&
          f.nodes.every((n) => n.status?.applied_generation === gen && n.status.ok);
      });
      const st = (await b.api("GET", "/api/config/status")).body.fleet;
      assert.equal(st.store, "etcd");
      assert.equal(st.node, "gw-b");
      assert.equal(st.mirror.generation, gen);
      assert.equal(st.last_round.ok, true);
      assert.equal(st.stale, false);
    } finally {
      etcd.close();
      await a.close();
      await b.close();
      await alpha.close();
      await beta.close();
    }
  },
);

test(
  "a node stopped while others wrote and etcd compacted resyncs fully on start",
  90_000,
  async (c) => {
    const web = httpBackend("web");
    const a = await node(c.endpoints, "gw-d");
    let b = await node(c.endpoints, "gw-e");
    const etcd = new Etcd({ endpoints: c.endpoints });
    try {
      await a.api("PUT", "/api/pools/keep", { members: [{ address: web.address }] });
      await a.api("PUT", "/api/sites/gone", { server_names: ["gone.test"], default_pool: "keep" });
      await until("B serves gone.test", 20_000, () => serves(b, "gone.test", "web"));
      await b.close();
      // While B is stopped: one site goes, one comes, and the history is compacted.
      assert.equal((await a.api("DELETE", "/api/sites/gone")).status, 200);
      const made = await a.api("PUT", "/api/sites/new", {
        server_names: ["new.test"],
        default_pool: "keep",
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const keys = fleetKeys("two");
      await etcd.compact((await etcd.get(keys.generation))!.modRevision);
      b = await node(c.endpoints, "gw-e", b);
      await until("B serves new.test", 20_000, () => serves(b, "new.test", "web"));
      assert.equal((await b.api("GET", "/api/sites/gone")).status, 404);
      const conf = [...Deno.readDirSync(`${b.settings.nginx_dir}/current`)]
        .filter((e) => e.isFile).map((e) =>
          Deno.readTextFileSync(`${b.settings.nginx_dir}/current/${e.name}`)
        ).join("\n");
      assert.match(conf, /new\.test/);
      assert.doesNotMatch(conf, /gone\.test/); // the compacted delete reached nginx too
    } finally {
      etcd.close();
      await a.close();
      await b.close();
      await web.close();
    }
  },
);

test(
  "etcd fully down: writes are 503 and change nothing, nginx serves, a restart serves from the mirror; etcd back: writes work",
  120_000,
  async (c) => {
    const alpha = httpBackend("alpha");
    let a = await node(c.endpoints, "gw-c");
    try {
      await a.api("PUT", "/api/pools/down", { members: [{ address: alpha.address }] });
      const site = await a.api("PUT", "/api/sites/down", {
        server_names: ["down.test"],
        default_pool: "down",
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      assert.ok(await serves(a, "down.test", "alpha"));
      const before = await a.api("GET", "/api/sites/down");

      for (let i = 0; i < c.members.length; i++) await c.kill(i);
      const refused = await a.api("PUT", "/api/sites/down", {
        server_names: ["down.test", "more.test"],
        default_pool: "down",
      });
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, "SHARED_STORE_UNAVAILABLE");
      const after = await a.api("GET", "/api/sites/down");
      assert.deepEqual(after.body, before.body);
      assert.ok(await serves(a, "down.test", "alpha"));

      // Restarted with etcd still down: it serves and answers from its mirror.
      await a.close();
      a = await node(c.endpoints, "gw-c", a);
      await until("the restarted node serves", 20_000, () => serves(a, "down.test", "alpha"));
      assert.deepEqual((await a.api("GET", "/api/sites/down")).body, before.body);
      const fleet = async () => (await a.api("GET", "/api/config/status")).body.fleet;
      await until("the status says reads may be behind", 10_000, async () => (await fleet()).stale);
      assert.match((await fleet()).stale_reason, /etcd|endpoint/i);

      await Promise.all(c.members.map((_, i) => c.restart(i)));
      let ok: { status: number; body: unknown } | undefined;
      await until("a write works again", 30_000, async () => {
        ok = await a.api("PUT", "/api/sites/down", {
          server_names: ["down.test", "more.test"],
          default_pool: "down",
        });
        return ok.status === 200;
      });
      assert.ok(await serves(a, "more.test", "alpha"));
      await until("in touch again", 10_000, async () => !(await fleet()).stale);
    } finally {
      await a.close();
      await alpha.close();
    }
  },
);

test.stopAtEnd();
