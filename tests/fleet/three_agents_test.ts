// Three agents, each with its own private nginx, on one desired state in a real
// 3-member etcd: a write on A with ?wait=applied answers only once all three
// report it, and B's and C's nginx serve it then; the etcd leader is killed
// during a burst of site writes through A and B: every write acknowledged to a
// client is in the desired state afterwards and served by all three nginx (the
// nodes converge on one generation); the member comes back.
import assert from "node:assert/strict";
import type { TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode, serves } from "./helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { readFleet } from "../../agent/fleet/status.ts";

const { test, until } = etcdSuite();

test(
  "three nodes: ?wait=applied waits for all three; the etcd leader killed in a burst loses no acknowledged write and every nginx converges",
  120_000,
  async (c) => {
    const app = httpBackend("app");
    const nodes: TestAgent[] = [];
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("three");
    try {
      for (const name of ["gw-a", "gw-b", "gw-c"]) {
        nodes.push(await fleetNode(c.endpoints, "three", name));
      }
      const [a, b, cc] = nodes;
      await until(
        "all three registered",
        20_000,
        async () => (await readFleet(etcd, keys)).nodes.filter((n) => n.registered).length === 3,
      );
      const pool = await a.api("PUT", "/api/pools/web?wait=applied", {
        members: [{ address: app.address }],
      });
      assert.equal(pool.body.fleet?.applied, true, JSON.stringify(pool.body));
      const site = await a.api("PUT", "/api/sites/first?wait=applied", {
        server_names: ["first.test"],
        default_pool: "web",
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      assert.equal(site.body.fleet.applied, true, JSON.stringify(site.body.fleet));
      assert.deepEqual(site.body.fleet.waiting_for, []);
      // Answered once all three reported it: B's and C's nginx serve it now, no polling.
      for (const t of [b, cc]) {
        assert.ok(await serves(t, "first.test", "app"), t.settings.node_name);
      }

      // A burst through A and B; the etcd leader is killed a few writes in.
      const leader = await c.leader();
      const acked: string[] = [];
      const failed: string[] = [];
      let next = 0;
      const writer = (t: TestAgent) => async () => {
        while (next < 30) {
          const i = next++;
          if (i === 5) await c.kill(leader);
          const name = `s${i}`;
          const r = await t.api("PUT", `/api/sites/${name}`, {
            server_names: [`${name}.test`],
            default_pool: "web",
          }).catch((e) => ({ status: 0, body: String(e) }));
          if (r.status === 201) acked.push(name);
          else {
            // The only refusal allowed: etcd out of reach for that write (503, nothing written).
            assert.equal(r.status, 503, JSON.stringify(r.body));
            failed.push(name);
          }
        }
      };
      await Promise.all([writer(a)(), writer(b)(), writer(a)()]);
      assert.ok(acked.length >= 20, `acknowledged ${acked.length} of 30 (${failed.length} 503)`);
      const stored = new Set(
        (await etcd.range(`${keys.desired}site/`, { prefix: true })).kvs.map((kv) =>
          kv.key.slice(`${keys.desired}site/`.length)
        ),
      );
      assert.deepEqual(acked.filter((n) => !stored.has(n)), [], "no acknowledged write lost");
      // Every node converges on the fleet's generation and serves every acknowledged site.
      const gen = Number((await etcd.get(keys.generation))!.value);
      await until("all three at the fleet's generation", 60_000, async () => {
        const f = await readFleet(etcd, keys);
        return f.nodes.filter((n) => n.status?.applied_generation === gen && n.status.ok)
          .length === 3;
      }).catch(async (e) => {
        // What each node says of itself, and what etcd holds of them.
        const own = await Promise.all(
          nodes.map(async (t) => (await t.api("GET", "/api/config/status")).body.fleet),
        );
        throw new Error(
          `${(e as Error).message} (generation ${gen}): ${
            JSON.stringify((await readFleet(etcd, keys)).nodes)
          }\n${JSON.stringify(own)}`,
        );
      });
      for (const t of nodes) {
        for (const n of acked) {
          assert.ok(await serves(t, `${n}.test`, "app"), `${n} on ${t.settings.node_name}`);
        }
      }
      await c.restart(leader);
      console.log(
        `burst with the etcd leader killed: ${acked.length} acknowledged, ${failed.length} 503, all served by 3 nodes at generation ${gen}`,
      );
    } finally {
      etcd.close();
      for (const t of nodes) await t.close().catch(() => {});
      await app.close();
    }
  },
);

test.stopAtEnd();
