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

const node = async (endpoints: string[], name: string, more: Record<string, unknown> = {}) => {
  const t = await startTestAgent({
    overrides: {
      store: "etcd",
      etcd_endpoints: endpoints.join(","),
      cluster: "ui",
      node_name: name,
      ...more,
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

test("web UI fleet: a running canary, the other node held, Abort canary", 90_000, async (c) => {
  const more = { cluster: "ui-canary", canary_hold: 300 };
  const a = await node(c.endpoints, "gw-c", more);
  const b = await node(c.endpoints, "gw-d", more);
  const s = serveApp(a);
  const br = await launchBrowser();
  const { page } = br;
  const errors = watchErrors(page);
  try {
    await a.api("PUT", "/api/pools/web?wait=applied", { members: [{ address: "127.0.0.1:9" }] });
    const r = await a.api("POST", "/api/apply?canary=gw-c", {
      pools: { web: { members: [{ address: "127.0.0.1:10" }] } },
    });
    assert.equal(r.body.canary?.state, "running", JSON.stringify(r.body));
    await openFromMenu(page, s, "Fleet");
    const line = page.locator("[data-canary=running]");
    await line.waitFor();
    assert.match(await line.innerText(), /live on gw-c only; the other nodes hold at \d+/);
    await page.locator("tr[data-node=gw-d] .badge", { hasText: "held" }).waitFor();
    await shot(page, "fleet-canary");
    await page.getByRole("button", { name: "Abort canary" }).click();
    const ended = page.locator("[data-canary=aborted]");
    await ended.waitFor();
    assert.match(await ended.innerText(), /gw-c.*aborted.*aborted from the web UI/s);
    assert.equal((await b.api("GET", "/api/pools/web")).body.members[0].address, "127.0.0.1:9");
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-fleet-canary").catch(() => {});
    throw e;
  } finally {
    await br.close();
    await s.close();
    await b.close();
  }
});

test.stopAtEnd();
