// The pool page says which shared upstream serves a pool (share_upstreams), and
// says nothing once the pool has its own again.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { launchBrowser, login, serveTestAgent, watchErrors } from "./browser.ts";

Deno.test("pool page: the shared upstream serving an identical pool, gone once it differs", async () => {
  const a = httpBackend("a");
  const s = await serveTestAgent();
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    for (const p of ["a", "b"]) {
      await s.t.api("PUT", `/api/pools/${p}`, { members: [{ address: a.address }] });
    }
    await login(page, s.base, s.t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    await page.goto(`${s.base}/#/pools/edit/b`);
    const note = page.getByTestId("shared-upstream");
    await note.waitFor({ timeout: 15_000 });
    const text = (await note.textContent())!.replace(/\s+/g, " ");
    assert.match(text, /Served by the shared upstream sy_shared_[0-9a-f]{12} \(in pool-a\.conf\)/);
    assert.match(text, /identical pool a:/);
    await s.t.api("PUT", "/api/pools/b", { members: [{ address: a.address, weight: 2 }] });
    await page.goto(`${s.base}/#/pools`);
    await page.goto(`${s.base}/#/pools/edit/b`);
    await page.locator("main h1").first().waitFor();
    await page.getByLabel("Name").first().waitFor();
    assert.equal(await note.count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await a.close();
  }
});
