// Expiring entities in the browser: the sites and proxies lists show each
// expiring site, route and proxy with its remaining time.
import assert from "node:assert/strict";
import { launchBrowser, login, serveTestAgent, watchErrors } from "./browser.ts";

Deno.test("web UI: expiring sites, routes and proxies are listed with their remaining time", async () => {
  const s = await serveTestAgent({ startNginx: false });
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    const t = s.t;
    const site = await t.api("PUT", "/api/sites/preview", {
      server_names: ["preview.test"],
      ttl: "2h",
      routes: [{ name: "pr", path: "/pr/", upstream: "http://127.0.0.1:9", ttl: "15m" }],
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const px = await t.api("PUT", "/api/proxies/demo", {
      domain: "demo.test",
      upstream_host: "127.0.0.1",
      upstream_port: 9,
      require_healthy: false,
      ttl: "3d",
    });
    assert.equal(px.status, 201, JSON.stringify(px.body));
    await login(page, s.base, t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    await page.goto(`${s.base}/#/sites`);
    const row = page.locator("tr[data-site=preview]");
    await row.getByText(/^expires in 1 h 59 min$/).waitFor();
    await row.getByText(/^expires in 1[45] min( \d+ s)?$/).waitFor();
    await page.goto(`${s.base}/#/proxies`);
    await page.locator("tr[data-proxy=demo]").getByText(/^expires in 2 d 23 h$/).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
  }
});
