// The Fleet page in a real Chromium against two agents on a real etcd: both
// nodes listed at the current generation with lag 0, a registered node that
// never reports shown as "no status", and Fence… with its confirmation
// removing it from etcd and from the list.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { readFleet, registerNode } from "../../agent/fleet/status.ts";
import { launchBrowser, openFromMenu, serveApp, shot, watchErrors } from "./browser.ts";

const { test, until } = etcdSuite();

const node = async (endpoints: string[], name: string) => {
  const t = await startTestAgent({
    overrides: {
      store: "etcd",
      etcd_endpoints: endpoints.join(","),
      cluster: "ui",
      node_name: name,
    },
  });
  await t.agent.startJobs();
  return t;
};

test(
  "web UI fleet: nodes with generation, lag and health; fence with confirmation",
  120_000,
  async (c) => {
    const a = await node(c.endpoints, "gw-a");
    const b = await node(c.endpoints, "gw-b");
    const s = serveApp(a);
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("ui");
    const br = await launchBrowser();
    const { page } = br;
    const errors = watchErrors(page);
    try {
      const w = await a.api("PUT", "/api/pools/web?wait=applied", {
        members: [{ address: "127.0.0.1:9" }],
      });
      assert.equal(w.body.fleet.applied, true, JSON.stringify(w.body));
      await registerNode(etcd, keys, "gw-lost");

      await openFromMenu(page, s, "Fleet");
      await page.getByRole("heading", { name: "Fleet" }).waitFor();
      await page.getByText(`generation ${w.body.fleet.generation}`).waitFor();
      for (const n of ["gw-a", "gw-b"]) {
        const row = page.locator(`tr[data-node=${n}]`);
        await row.locator(".badge.ok").waitFor();
        const cells = await row.locator("td").allInnerTexts();
        assert.equal(cells[2], String(w.body.fleet.generation), cells.join(" | "));
        assert.equal(cells[3], "0");
      }
      assert.match(await page.locator("tr[data-node=gw-a]").innerText(), /this node/);
      await page.locator("tr", { hasText: "(controller)" }).waitFor(); // one of gw-a, gw-b
      assert.equal(await page.locator("tr", { hasText: "(controller)" }).count(), 1);
      const lost = page.locator("tr[data-node=gw-lost]");
      assert.match(await lost.innerText(), /no status/);
      await shot(page, "fleet");

      // Fence: a confirmation that says what it does; Keep it changes nothing.
      await page.getByRole("button", { name: "Fence gw-lost" }).click();
      const dialog = page.locator("[data-fence-confirm=gw-lost]");
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /stop waiting for it/);
      await dialog.getByRole("button", { name: "Keep it" }).click();
      await dialog.waitFor({ state: "detached" });
      assert.equal((await readFleet(etcd, keys)).nodes.length, 3);

      await page.getByRole("button", { name: "Fence gw-lost" }).click();
      await shot(page, "fleet-fence");
      await dialog.getByRole("button", { name: "Fence gw-lost" }).click();
      await lost.waitFor({ state: "detached" });
      await until(
        "gone from etcd",
        5_000,
        async () => (await readFleet(etcd, keys)).nodes.every((n) => n.name !== "gw-lost"),
      );
      assert.deepEqual(errors, [], "the page threw errors");
    } catch (e) {
      await shot(page, "failure-fleet").catch(() => {});
      throw e;
    } finally {
      await br.close();
      etcd.close();
      await s.close();
      await b.close();
    }
  },
);

test.stopAtEnd();
