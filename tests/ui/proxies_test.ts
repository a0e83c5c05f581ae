// The Proxies page in a real Chromium against a real agent, nginx and HTTP
// backend: an unhealthy upstream is refused with the field outlined and nothing
// written; a healthy one is saved with require_healthy, listed active, served.
import assert from "node:assert/strict";
import { freePort } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { launchBrowser, openFromMenu, serveTestAgent, shot, watchErrors } from "./browser.ts";

Deno.test("web UI proxies: require_healthy refuses a dead upstream, a healthy one is active and served", async () => {
  const backend = httpBackend("px-backend");
  const s = await serveTestAgent({ overrides: { proxy_health_timeout: 2 } });
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Proxies");
    await page.getByText("No proxies yet").waitFor();
    await page.getByRole("link", { name: "New proxy" }).click();

    // Nothing listens on the upstream: UPSTREAM_UNHEALTHY, the host outlined, nothing written.
    await page.getByLabel("Name").fill("px");
    await page.getByLabel("Domain").fill("px.example.test");
    await page.getByLabel("Upstream port").fill(String(freePort()));
    assert.equal(await page.getByLabel(/require a healthy upstream/).isChecked(), true);
    await page.getByRole("button", { name: "Save" }).click();
    const refused = page.locator("[data-error-code=UPSTREAM_UNHEALTHY]");
    await refused.waitFor();
    assert.match(await refused.innerText(), /nothing was changed/);
    assert.equal(await page.getByLabel("Upstream host").getAttribute("aria-invalid"), "true");
    assert.equal((await s.t.api("GET", "/api/proxies/px")).status, 404);
    await shot(page, "proxy-refused");

    // The real backend: saved, applied, the page moves to the proxy, which is active.
    await page.getByLabel("Upstream port").fill(String(backend.port));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").getByText("nginx serves it now").waitFor({ timeout: 20_000 });
    await page.getByRole("heading", { name: "Proxy px" }).waitFor();
    const r = await s.t.viaNginx("px.example.test", "/hello");
    assert.equal(r.status, 200);
    assert.equal(r.text, "px-backend /hello");

    await page.getByRole("link", { name: "Back to proxies" }).click();
    const row = page.locator("tr[data-proxy=px]");
    await row.locator("[data-status=active]").waitFor();
    assert.match(await row.innerText(), new RegExp(`127\\.0\\.0\\.1:${backend.port}`));
    await shot(page, "proxies");

    // Delete asks first, then the domain is no longer served.
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Delete proxy px" }).click();
    await page.getByText("No proxies yet").waitFor();
    assert.doesNotMatch((await s.t.viaNginx("px.example.test", "/x")).text, /px-backend/);
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-proxies").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});
