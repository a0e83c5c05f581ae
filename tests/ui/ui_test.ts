// The web UI in a real Chromium against a real agent over HTTP, a real nginx
// and a real backend: log in, create a pool and a site through the forms, see
// traffic flow, see a refused save keep its input, log out.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { launchBrowser, login, serveTestAgent, shot } from "./browser.ts";

Deno.test("web UI: login, pool and site forms serve traffic, refused save keeps input, logout ends the session", async () => {
  const backend = httpBackend("ui-backend");
  const s = await serveTestAgent();
  const b = await launchBrowser();
  const { page } = b;
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  // Air-gapped hosts: the UI must load nothing from anywhere but the agent.
  const foreign: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${s.base}/`) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  try {
    // A wrong key: the login page says so and nothing else opens.
    await login(page, s.base, "not-the-key");
    await page.getByRole("alert").getByText("That API key is not valid.").waitFor();
    assert.equal(page.url(), `${s.base}/login`);
    assert.equal(await page.getByLabel("API key").getAttribute("aria-invalid"), "true");

    // The right key: the dashboard, with nginx running.
    await login(page, s.base, s.t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByText("running", { exact: true }).waitFor();
    const cookie = (await b.ctx.cookies()).find((c) => c.name === "switchyard_session");
    assert.ok(cookie, "no session cookie after login");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");

    // A pool with the backend as its member.
    await page.getByRole("link", { name: "Pools" }).click();
    await page.getByRole("link", { name: "New pool" }).click();
    await page.getByLabel("Name").fill("ui-pool");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByLabel("Member 1 address").fill(backend.address);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").getByText("Saved version 1").waitFor();
    await page.getByRole("heading", { name: "Pool ui-pool" }).waitFor();
    assert.equal(
      (await s.t.api("GET", "/api/pools/ui-pool")).body.members[0].address,
      backend.address,
    );

    // A site with a route to the pool.
    await page.getByRole("link", { name: "Sites" }).click();
    await page.getByRole("link", { name: "New site" }).click();
    await page.getByLabel("Name", { exact: true }).fill("ui-site");
    await page.getByLabel("Server names").fill("ui.example.test");
    await page.getByRole("button", { name: "Add route" }).click();
    await page.getByLabel("Route 1 path").fill("/app/");
    await page.getByLabel("Route 1 pool").selectOption("ui-pool");
    await page.getByLabel("strip prefix").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").getByText("nginx serves it now").waitFor();

    // Traffic through the real nginx reaches the backend, prefix stripped.
    const r = await s.t.viaNginx("ui.example.test", "/app/hello");
    assert.equal(r.status, 200);
    assert.equal(r.text, "ui-backend /hello");
    const route = (await s.t.api("GET", "/api/sites/ui-site")).body.routes[0];
    assert.equal(route.name, "app", "the route name is derived from its path");

    // The preview shows the rendered nginx text.
    await page.getByRole("button", { name: "Preview" }).click();
    await page.locator("pre[data-preview=ui-site]").getByText("server_name ui.example.test")
      .waitFor();

    // A bad value: refused with the field named and highlighted; input kept.
    await page.getByLabel("Route 1 path").fill("app/");
    await page.getByLabel("Description").fill("typed before the refusal");
    await page.getByRole("button", { name: "Save" }).click();
    const alert = page.locator("[data-error-code=VALIDATION_FAILED]");
    await alert.waitFor();
    assert.match(await alert.innerText(), /VALIDATION_FAILED/);
    assert.match(await alert.innerText(), /routes\[0\]\.path/);
    const path = page.getByLabel("Route 1 path");
    assert.equal(await path.getAttribute("aria-invalid"), "true");
    assert.equal(await path.inputValue(), "app/");
    assert.equal(await page.getByLabel("Description").inputValue(), "typed before the refusal");
    assert.equal(await page.getByLabel("Server names").inputValue(), "ui.example.test");
    // Focus moved to the field the API named.
    await page.locator('[name="routes[0].path"]:focus').waitFor();
    await shot(page, "site-refused");
    // ... and nginx still serves the saved site.
    assert.equal((await s.t.viaNginx("ui.example.test", "/app/x")).text, "ui-backend /x");

    // A directive nginx itself refuses: NGINX_TEST_FAILED with nginx's output.
    await page.getByLabel("Route 1 path").fill("/app/");
    await page.getByRole("button", { name: "Add block" }).click();
    await page.getByLabel("Block 1 directives").fill("proxy_buffers 8;");
    await page.getByRole("button", { name: "Save" }).click();
    const refused = page.locator("[data-error-code=NGINX_TEST_FAILED]");
    await refused.waitFor({ timeout: 20_000 });
    assert.match(
      await refused.locator("pre").innerText(),
      /invalid number of arguments in "proxy_buffers"/,
    );
    assert.equal(await page.getByLabel("Block 1 directives").inputValue(), "proxy_buffers 8;");
    assert.equal((await s.t.viaNginx("ui.example.test", "/app/y")).text, "ui-backend /y");

    // Leaving the refused draft asks first (unsaved edits); then deleting a pool in use:
    // the 409 is shown as the API says it.
    const leave = new Promise<string>((r) =>
      page.once("dialog", (d) => {
        r(d.message());
        d.accept();
      })
    );
    await page.getByRole("link", { name: "Pools" }).click();
    assert.match(await leave, /unsaved edits/);
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Delete pool ui-pool" }).click();
    const conflict = page.locator("[data-error-code=CONFLICT]");
    await conflict.waitFor();
    assert.match(await conflict.innerText(), /ui-site/);

    // The audit page lists the changes with their before/after.
    await page.getByRole("link", { name: "Audit" }).click();
    await page.locator("tr", { hasText: "site.put" }).first().waitFor();
    await page.getByLabel("Entity").fill("pool/ui-pool");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/entity=pool%2Fui-pool/);
    await page.locator("tr", { hasText: "pool.put" }).first().getByText("Changes").click();
    await page.locator("ul.diff li.add", { hasText: backend.address }).first().waitFor();
    assert.equal(await page.locator("tr", { hasText: "site.put" }).count(), 0);

    // The config page proves the state with nginx -t.
    await page.getByRole("link", { name: "Config" }).click();
    await page.getByRole("button", { name: "Validate (nginx -t)" }).click();
    await page.locator("[data-validate=ok]").waitFor();
    await page.locator("tr[data-generation]").first().waitFor();
    await shot(page, "config");

    // The dashboard's last apply shows that refusal with nginx's output.
    await page.getByRole("link", { name: "Dashboard" }).click();
    const last = page.locator("[data-refused='site/ui-site']");
    await last.waitFor();
    assert.match(await last.innerText(), /NGINX_TEST_FAILED/);
    await shot(page, "dashboard");

    // Logout: back to the login page; the old cookie no longer opens anything.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${s.base}/login?m=out`);
    await page.getByText("You are logged out.").waitFor();
    const old = `switchyard_session=${cookie.value}`;
    const api = await fetch(`${s.base}/api/config/status`, { headers: { cookie: old } });
    assert.equal(api.status, 401);
    await api.body?.cancel();
    const ui = await fetch(`${s.base}/`, { headers: { cookie: old }, redirect: "manual" });
    assert.equal(ui.status, 302);
    assert.equal(ui.headers.get("location"), "/login");
    await ui.body?.cancel();
    await page.goto(`${s.base}/#/pools`);
    await page.waitForURL(/\/login/);

    assert.deepEqual(errors, [], "the page threw errors");
    assert.deepEqual(foreign, [], "the UI requested something outside the agent");
  } catch (e) {
    await shot(page, "failure-main").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});

Deno.test("web UI: in manual mode a save is pending until Apply on the dashboard", async () => {
  const backend = httpBackend("manual-backend");
  const s = await serveTestAgent({ overrides: { apply_mode: "manual" } });
  const b = await launchBrowser();
  const { page } = b;
  try {
    await s.t.api("PUT", "/api/pools/m", { members: [{ address: backend.address }] });
    await login(page, s.base, s.t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("link", { name: "Sites" }).click();
    await page.getByRole("link", { name: "New site" }).click();
    await page.getByLabel("Name", { exact: true }).fill("manual");
    await page.getByLabel("Server names").fill("manual.example.test");
    await page.getByLabel("Default pool (serves /)").selectOption("m");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").getByText("waiting for Apply").waitFor();
    // Not served yet: the private nginx's catch-all answers instead of the backend.
    assert.doesNotMatch((await s.t.viaNginx("manual.example.test", "/")).text, /manual-backend/);

    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByText("site/manual").first().waitFor();
    await page.getByText("2 changes not yet served.").waitFor();
    const apply = page.getByRole("button", { name: "Apply now" });
    await apply.click();
    await page.getByText("Apply finished: applied").waitFor();
    assert.equal((await s.t.viaNginx("manual.example.test", "/x")).text, "manual-backend /x");
    await page.getByText("nothing pending.").waitFor();
    await shot(page, "dashboard-manual");
  } catch (e) {
    await shot(page, "failure-manual").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});
