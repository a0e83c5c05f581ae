// The Certificates page in a real Chromium against a real agent, nginx and a
// private pebble (ACME): a wildcard is refused with the domains box outlined,
// a host name is issued through certbot and listed active with its expiry.
import assert from "node:assert/strict";
import { certEnv } from "../certs/helpers.ts";
import { launchBrowser, openFromMenu, serveApp, shot, watchErrors } from "./browser.ts";

Deno.test("web UI certificates: a refused form names the field, an issued certificate is listed", async () => {
  const env = await certEnv();
  const s = serveApp(env.t);
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Certificates");
    await page.getByText("No certificates yet").waitFor();
    await page.getByRole("link", { name: "New certificate" }).click();

    // A wildcard needs DNS-01: VALIDATION_FAILED on domains[1], the box outlined, input kept.
    await page.getByLabel("Name").fill("web");
    await page.getByLabel("Domains").fill("web.example.com\n*.example.com");
    await page.getByRole("button", { name: "Save and issue" }).click();
    const refused = page.locator("[data-error-code=VALIDATION_FAILED]");
    await refused.waitFor();
    assert.match(await refused.innerText(), /domains\[1\]/);
    assert.match(await refused.innerText(), /wildcards/);
    assert.equal(await page.getByLabel("Domains").getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("Domains").inputValue(), "web.example.com\n*.example.com");
    assert.equal((await s.t.api("GET", "/api/certs/web")).status, 404);
    await shot(page, "cert-refused");

    // One host name: certbot gets it from pebble; the page shows what the file says.
    await page.getByLabel("Domains").fill("web.example.com");
    await page.getByRole("button", { name: "Save and issue" }).click();
    await page.getByRole("heading", { name: "Certificate web" }).waitFor({ timeout: 60_000 });
    await page.locator("[data-status=active]").first().waitFor();
    await page.getByText(/Pebble/).first().waitFor();

    await page.getByRole("link", { name: "Back to certificates" }).click();
    const row = page.locator("tr[data-cert=web]");
    await row.locator("[data-status=active]").waitFor();
    assert.match(await row.innerText(), /web\.example\.com/);
    assert.match(await row.innerText(), /\d+ days left/);
    await shot(page, "certs");
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-certs").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.close();
    await env.close().catch(() => {});
  }
});
