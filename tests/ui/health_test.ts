// The dashboard says why the agent is degraded, and links to the page that
// fixes it: a real Chromium, a real agent, nginx and backends; one backend is
// killed, the probe job ejects it, the reason links to the pool's health page; a
// refused and reverted apply reads as such, not as a standing failure.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { launchBrowser, login, serveTestAgent, shot, watchErrors } from "./browser.ts";
import { waitFor } from "../health/helpers.ts";

Deno.test("web UI dashboard: an ejected member is the reason for degraded, linked to its pool's health", async () => {
  const a = httpBackend("a");
  const b = httpBackend("b");
  const s = await serveTestAgent({ overrides: { health_tick: 1, drift_interval: 0 } });
  const br = await launchBrowser();
  const { page } = br;
  const errors = watchErrors(page);
  try {
    const { t } = s;
    const pool = await t.api("PUT", "/api/pools/web", {
      members: [{ address: a.address }, { address: b.address }],
      health_check: { interval: "1s", fall: 2, rise: 2 },
    });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    await t.agent.startJobs();
    await b.close();
    await waitFor(
      "ejected",
      async () => (await t.api("GET", "/api/health")).body.health_checks.ejected === 1,
    );
    // and the ejection applied: a round of its own after the refusal below would be the last
    await waitFor(
      "ejection applied",
      async () => (await t.api("GET", "/api/config/status")).body.pending.length === 0,
    );

    // Then a change nginx -t refuses: put back, a note rather than a standing failure.
    const bad = await t.api("PUT", "/api/pools/bad", {
      members: [{ address: "nosuch.invalid:80" }],
    });
    assert.equal(bad.body.error?.code, "NGINX_TEST_FAILED", JSON.stringify(bad.body));
    const gen = t.agent.rt.reconciler.currentGeneration;

    await login(page, s.base, t.agent.rt.apiKey);
    const note = page.locator("[data-reason=note]");
    await note.waitFor({ timeout: 15_000 });
    assert.match(
      await note.innerText(),
      new RegExp(`refused and reverted: nginx serves generation ${gen} \\(pool/bad\\)`),
    );
    assert.equal(await note.getByRole("link").getAttribute("href"), "#/audit");
    const last = page.locator("[data-status=reverted]");
    assert.match(await last.innerText(), /refused and reverted/);
    const reason = page.locator("[data-reason=degraded]").filter({ hasText: b.address });
    await reason.waitFor({ timeout: 15_000 });
    assert.match(
      await reason.innerText(),
      new RegExp(
        `pool web: member ${b.address.replaceAll(".", "\\.")} is ejected \\(connection refused\\)`,
      ),
    );
    assert.match(
      await page.locator(".badge", { hasText: "degraded" }).first().innerText(),
      /degraded/,
    );
    await shot(page, "dashboard-reason");

    await reason.getByRole("link").click();
    await page.getByRole("heading", { name: "Health of pool web" }).waitFor();
    assert.equal(new URL(page.url()).hash, "#/pools/health/web");
    const row = page.locator(`tr[data-member="${b.address}"]`);
    assert.match(await row.innerText(), /ejected/);
    assert.match(await row.innerText(), /connection refused/);
    assert.match(await page.locator(`tr[data-member="${a.address}"]`).innerText(), /healthy/);
    await shot(page, "pool-health");
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-health").catch(() => {});
    throw e;
  } finally {
    await br.close();
    await s.close();
    await a.close();
  }
});
