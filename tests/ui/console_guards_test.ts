// Guard rails in a real Chromium against a real agent, nginx, certbot and an
// ACME server that is down: a proxy saved whose certificate fails opens as the
// saved proxy with a warning and Retry HTTPS (saving again never says "already
// exists"); its site and pool are read-only with a link to the proxy and no
// Delete; an empty required field is refused in the browser by its label;
// leaving unsaved edits asks first.
import assert from "node:assert/strict";
import { certEnv } from "../certs/helpers.ts";
import { launchBrowser, openFromMenu, serveApp, watchErrors } from "./browser.ts";

Deno.test("console guard rails: saved with failed HTTPS + Retry HTTPS, managed records read-only, required fields, unsaved edits", async () => {
  const env = await certEnv({ overrides: { proxy_health_timeout: 2 } });
  const s = serveApp(env.t);
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  const requests: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  try {
    await env.pebble.stop();
    await openFromMenu(page, s, "Proxies");
    await page.getByRole("link", { name: "New proxy" }).click();
    await page.getByLabel("Name").fill("shop");
    await page.getByLabel("Domain").fill("shop.example.com");
    await page.getByLabel("Upstream port").fill(String(env.backend.port));
    await page.getByLabel("HTTPS with a certificate from ACME").check();
    await page.getByLabel("ACME account email").fill("ops@example.com");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    // The honest outcome: the saved proxy, a warning, Retry HTTPS; no "Not saved".
    const warn = page.locator("[data-ssl-failed]");
    await warn.waitFor({ timeout: 60_000 });
    await page.getByRole("heading", { name: "Proxy shop" }).waitFor();
    assert.equal(await page.getByText("Not saved").count(), 0);
    assert.match(await warn.innerText(), /Saved; HTTPS failed/);
    await warn.getByRole("button", { name: "Retry HTTPS" }).click();
    await warn.locator('[data-error-code="SSL_ISSUANCE_FAILED"]').waitFor({ timeout: 60_000 });
    // Saving again updates the proxy (its version), never "already exists".
    await page.getByLabel("Description").fill("second save");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.locator("[data-ssl-failed]").waitFor({ timeout: 60_000 });
    assert.equal(await page.getByText("already exists").count(), 0);
    assert.equal((await s.t.api("GET", "/api/proxies/shop")).body.description, "second save");
    assert.equal((await s.t.viaNginx("shop.example.com", "/x")).status, 200, "served over HTTP");

    // The proxy's site is read-only, links to the proxy, has no Save or Delete.
    await page.goto(`${s.base}/#/sites/edit/shop`);
    const note = page.locator("[data-managed]");
    await note.waitFor();
    assert.equal(
      await note.getByRole("link", { name: "shop" }).getAttribute("href"),
      "#/proxies/edit/shop",
    );
    assert.equal(await page.getByLabel("Server names").isDisabled(), true);
    assert.equal(await page.getByRole("button", { name: "Save", exact: true }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Delete site" }).count(), 0);
    await page.getByRole("link", { name: "Sites", exact: true }).click();
    await page.locator('tr[data-site="shop"]').waitFor();
    assert.equal(await page.getByRole("button", { name: "Delete site shop" }).count(), 0);

    // A required field left empty: refused in the browser, named by its label, nothing sent.
    await page.getByRole("link", { name: "Pools" }).click();
    await page.getByRole("link", { name: "New pool" }).click();
    const before = requests.length;
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const err = page.locator('[data-error-code="VALIDATION_FAILED"]');
    await err.waitFor();
    assert.match(await err.locator(".message").innerText(), /^Name: required$/);
    assert.equal(await page.getByLabel("Name").getAttribute("aria-invalid"), "true");
    assert.deepEqual(requests.slice(before), [], "nothing was sent");

    // Unsaved edits: leaving asks; "no" keeps the page and the input.
    await page.getByLabel("Name").fill("draft-pool");
    page.once("dialog", (d) => {
      assert.match(d.message(), /unsaved edits/);
      d.dismiss();
    });
    await page.getByRole("link", { name: "Sites", exact: true }).click();
    await page.waitForTimeout(200);
    assert.match(page.url(), /#\/pools\/new$/);
    assert.equal(await page.getByLabel("Name").inputValue(), "draft-pool");
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await env.pebble.stop().catch(() => {});
    await env.backend.close().catch(() => {});
  }
});
