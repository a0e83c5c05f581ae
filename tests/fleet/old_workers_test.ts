// A node's status counts the nginx workers of an older configuration still
// finishing requests (old_workers): a slow request through nginx across a
// reload keeps one, the status says so, and says 0 again once it finished.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { readFleet } from "../../agent/fleet/status.ts";

const { test, until } = etcdSuite();

test(
  "old_workers: counted after a reload while a request is in flight, 0 once it ends",
  60_000,
  async (c) => {
    const ac = new AbortController();
    const slow = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
      async (req) => {
        if (new URL(req.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 3000));
        return new Response("done");
      },
    );
    const address = `127.0.0.1:${(slow.addr as Deno.NetAddr).port}`;
    const t = await startTestAgent({
      overrides: {
        store: "etcd",
        etcd_endpoints: c.endpoints.join(","),
        cluster: "old",
        node_name: "gw-o",
      },
    });
    await t.agent.startJobs();
    const etcd = new Etcd({ endpoints: c.endpoints });
    const status = async () => (await readFleet(etcd, fleetKeys("old"))).nodes[0]?.status;
    try {
      await t.api("PUT", "/api/pools/slow", { members: [{ address }] });
      await t.api("PUT", "/api/sites/slow", { server_names: ["slow.test"], default_pool: "slow" });
      await until(
        "reported, no old workers",
        10_000,
        async () => (await status())?.old_workers === 0,
      );
      const inFlight = t.viaNginx("slow.test", "/slow");
      await new Promise((r) => setTimeout(r, 300));
      const w = await t.api("PUT", "/api/sites/slow", {
        server_names: ["slow.test", "more.test"],
        default_pool: "slow",
      });
      assert.equal(w.status, 200, JSON.stringify(w.body));
      await until(
        "an old worker is reported",
        5_000,
        async () => ((await status())?.old_workers ?? 0) > 0,
      );
      assert.equal((await inFlight).status, 200); // the old worker finished it
      await until("0 old workers again", 10_000, async () => (await status())?.old_workers === 0);
    } finally {
      etcd.close();
      await t.close();
      ac.abort();
      await slow.finished;
    }
  },
);

test.stopAtEnd();
