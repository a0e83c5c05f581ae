// Finding things at scale, in a real Chromium: with 2,000 sites (the bench
// measures 10,000: scripts/bench-console.ts, run by `deno task bench`) the
// Sites page loads one page of 50, says how many there are, searches by name,
// by server name and by pool through the API, and pages on; the dashboard shows
// the counts without downloading the lists; a pool's "Used by" shows a count,
// the first names and "show all".
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { manySites, siteName } from "../helpers/many-sites.ts";
import { launchBrowser, openFromMenu, serveTestAgent, watchErrors } from "./browser.ts";

const N = 2000;

Deno.test("console at scale: Sites search, sort and pages, dashboard counts, pool Used by", async () => {
  const backend = httpBackend("scale");
  const s = await serveTestAgent();
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  const lists: string[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (/^\/api\/(sites|pools)$/.test(u.pathname) && !u.search) lists.push(u.pathname);
  });
  try {
    await manySites(s.t, N, backend.address);
    await openFromMenu(page, s, "Dashboard");
    await page.locator('[data-count="sites"]').getByText("2,000").waitFor();
    assert.deepEqual(lists, [], "the dashboard asks for counts, not whole lists");

    await page.getByRole("link", { name: "Sites", exact: true }).click();
    await page.locator(`[data-total="${N}"]`).waitFor();
    assert.equal(await page.locator("tr[data-site]").count(), 50);
    // Search by name.
    await page.getByLabel("Search sites").fill(siteName(1234));
    await page.locator('[data-total="1"]').waitFor();
    await page.locator(`tr[data-site="${siteName(1234)}"]`).waitFor();
    // By server name, and by pool (default_pool "static": every third site).
    await page.getByLabel("Search sites").fill(`${siteName(77)}.example`);
    await page.locator(`tr[data-site="${siteName(77)}"]`).waitFor();
    await page.getByLabel("Search sites").fill("static");
    await page.locator(`[data-total="${Math.floor(N / 3)}"]`).waitFor();
    // Sorted descending, page 2.
    await page.getByLabel("Search sites").fill("");
    await page.locator(`[data-total="${N}"]`).waitFor();
    await page.getByLabel("Sort by").selectOption("-name");
    await page.locator(`tr[data-site="${siteName(N - 1)}"]`).waitFor();
    await page.getByRole("link", { name: "Next →" }).click();
    await page.locator(`tr[data-site="${siteName(N - 51)}"]`).waitFor();
    assert.match(page.url(), /page=2/);

    // Used by: a count and the first names, not 2,000 links.
    await page.getByRole("link", { name: "Pools" }).click();
    const used = page.locator('tr[data-pool="web"] [data-used-by]');
    await used.waitFor();
    assert.equal(await used.getAttribute("data-used-by"), String(Math.ceil(N / 3)));
    assert.ok((await used.locator("a").count()) <= 4);
    await used.getByRole("link", { name: "show all" }).click();
    await page.locator("[data-total]").waitFor();
    assert.match(page.url(), /#\/sites\?q=web/);
    assert.deepEqual(lists, []);
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});
