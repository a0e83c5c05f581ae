// The console where an operator needs it most, in a real Chromium against a real
// agent and nginx: a save nginx refuses keeps its draft, outlines the block
// nginx named and saves again once fixed; a hand edit shows on the dashboard
// and the Drift page, Keep edit absorbs it, Undo edit restores a second one,
// both in the audit with their diffs; the Config page rolls back after showing
// the diff, and traffic through nginx follows.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { launchBrowser, openFromMenu, serveTestAgent, shot, watchErrors } from "./browser.ts";

Deno.test("console: refused save keeps the draft, outlines the refused block, saves again once fixed", async () => {
  const backend = httpBackend("refusal-backend");
  const s = await serveTestAgent();
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await s.t.api("PUT", "/api/pools/web", { members: [{ address: backend.address }] });
    const made = await s.t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await openFromMenu(page, s, "Sites");
    await page.getByRole("link", { name: "shop", exact: true }).click();
    await page.getByRole("heading", { name: "Site shop" }).waitFor();

    // A draft: a description and a bad extra block. Preview shows it before saving.
    await page.getByLabel("Description").fill("typed before the refusal");
    await page.getByRole("button", { name: "Add block" }).click();
    await page.getByLabel("Block 1 directives").fill("proxy_buffers 8 4k;\nproxy_buffers 8;");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByLabel("draft diff").getByText("+    proxy_buffers 8;").waitFor();

    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.locator('[data-error-code="NGINX_TEST_FAILED"]');
    await alert.waitFor();
    // The agent's own revert is said as such, never "someone changed this record".
    await alert.locator("[data-reverted]").waitFor();
    assert.equal(await page.getByText("Someone changed this record").count(), 0);
    // The block nginx's file:line maps to is outlined and focused; the candidate file is shown
    // with the line marked.
    await page.locator('[data-block="0"].refused-target').waitFor();
    assert.equal(
      await page.evaluate("document.activeElement?.getAttribute('data-field')"),
      "extra_blocks[0].content",
    );
    await page.locator("[data-candidate] .mark").getByText("proxy_buffers 8;").waitFor();
    await shot(page, "console-refused");
    // The draft is kept.
    assert.equal(await page.getByLabel("Description").inputValue(), "typed before the refusal");
    assert.match(await page.getByLabel("Block 1 directives").inputValue(), /proxy_buffers 8;/);

    // Fixed and saved again: it applies (no PRECONDITION_FAILED), the draft's other edits included.
    await page.getByLabel("Block 1 directives").fill("proxy_buffers 8 4k;");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").getByText("nginx serves it now").waitFor();
    const rec = (await s.t.api("GET", "/api/sites/shop")).body;
    assert.equal(rec.description, "typed before the refusal");
    assert.deepEqual(rec.extra_blocks, [{ zone: "top", content: "proxy_buffers 8 4k;" }]);
    assert.equal((await s.t.viaNginx("shop.test", "/x")).text, "refusal-backend /x");
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});

Deno.test("console: drift badge, Keep edit, Undo edit, both audited with diffs; Reload is audited", async () => {
  const backend = httpBackend("drift-backend");
  const s = await serveTestAgent({ overrides: { drift_interval: 1 } });
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await s.t.api("PUT", "/api/pools/web", { members: [{ address: backend.address }] });
    await s.t.api("PUT", "/api/sites/shop", { server_names: ["shop.test"], default_pool: "web" });
    await s.t.agent.startJobs();
    const file = `${s.t.settings.nginx_dir}/current/site-shop.conf`;
    const original = await Deno.readTextFile(file);
    await Deno.writeTextFile(
      file,
      original.replace("server_tokens off;", "server_tokens off;\n    client_max_body_size 77m;"),
    );

    await openFromMenu(page, s, "Dashboard");
    // Within one drift interval (1 s) the dashboard shows the badge (Refresh re-reads).
    const deadline = Date.now() + 8000;
    while (!(await page.locator("[data-drift-badge]").count()) && Date.now() < deadline) {
      await page.getByRole("button", { name: "Refresh" }).click();
      await page.waitForTimeout(400);
    }
    await page.locator("[data-health-drift]").waitFor();
    await page.locator("[data-drift-badge]").getByRole("link", { name: "review in Drift" }).click();
    await page.getByRole("heading", { name: "Drift" }).waitFor();
    const card = page.locator('[data-drift-file="site-shop.conf"]');
    await card.getByText("+    client_max_body_size 77m;").waitFor();
    await shot(page, "console-drift");
    await card.getByRole("button", { name: "Keep edit site-shop.conf" }).click();
    await page.locator('[data-drift="ok"]').waitFor();
    assert.equal((await s.t.api("GET", "/api/sites/shop")).body.client_max_body_size, "77m");

    // A second edit, undone: the file is what the agent wrote again.
    const kept = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, kept.replace("server_tokens off;", "server_tokens on;"));
    await page.getByRole("button", { name: "Check now" }).click();
    await card.getByText("+    server_tokens on;").waitFor();
    // Reload nginx warns that files drifted; declining reloads nothing.
    await page.getByRole("link", { name: "Config" }).click();
    const before = s.t.reloads();
    page.once("dialog", (d) => {
      assert.match(d.message(), /site-shop\.conf/);
      d.dismiss();
    });
    await page.getByRole("button", { name: "Reload nginx" }).click();
    await page.waitForTimeout(300);
    assert.equal(s.t.reloads(), before, "a declined reload reloads nothing");
    await page.getByRole("link", { name: "Drift" }).click();
    await card.getByRole("button", { name: "Undo edit site-shop.conf" }).click();
    await page.locator('[data-drift="ok"]').waitFor();
    assert.equal(await Deno.readTextFile(file), kept);

    // Reload with no drift: no question, audited.
    await page.getByRole("link", { name: "Config" }).click();
    await page.getByRole("button", { name: "Reload nginx" }).click();
    await page.getByText("nginx reloaded onto generation").waitFor();

    // The audit shows both choices with their diffs, and the reload.
    await page.getByRole("link", { name: "Audit" }).click();
    const kept1 = page.locator("tr", { hasText: "drift.kept" });
    await kept1.getByText("File diff").click();
    await kept1.getByText("+    client_max_body_size 77m;").waitFor();
    const undone = page.locator("tr", { hasText: "drift.undone" });
    await undone.getByText("File diff").click();
    await undone.getByText("+    server_tokens on;").waitFor();
    await page.locator("tr", { hasText: "nginx.reload" }).first().waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});

Deno.test("console: roll back from the Config page after viewing the diff; traffic follows", async () => {
  const one = httpBackend("one");
  const two = httpBackend("two");
  const s = await serveTestAgent();
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await s.t.api("PUT", "/api/pools/web", { members: [{ address: one.address }] });
    await s.t.api("PUT", "/api/sites/shop", { server_names: ["shop.test"], default_pool: "web" });
    const good = (await s.t.api("GET", "/api/config/status")).body.generation;
    await s.t.api("PUT", "/api/pools/web", { members: [{ address: two.address }] });
    assert.equal((await s.t.viaNginx("shop.test", "/x")).text, "two /x");

    await openFromMenu(page, s, "Config");
    const row = page.locator(`tr[data-generation="${good}"]`);
    await row.getByRole("button", { name: `Open generation ${good}` }).click();
    await page.locator(`[data-gen-files="${good}"]`).getByText("pool-web.conf").waitFor();
    await row.getByRole("button", { name: `Roll back to generation ${good}` }).click();
    const dialog = page.locator(`[data-rollback="${good}"]`);
    // The confirmation shows what changes: the member goes back.
    await dialog.getByText(`+    server ${one.address}`, { exact: false }).first().waitFor();
    await dialog.getByText(`-    server ${two.address}`, { exact: false }).first().waitFor();
    await shot(page, "console-rollback");
    await dialog.getByRole("button", { name: `Roll back to generation ${good}` }).click();
    await page.getByText(`Rollback to generation ${good}`).waitFor();
    assert.equal((await s.t.viaNginx("shop.test", "/x")).text, "one /x");
    // Two generations ticked: their diff.
    const now = (await s.t.api("GET", "/api/config/status")).body.generation;
    await page.getByLabel(`Compare generation ${good}`).check();
    await page.getByLabel(`Compare generation ${now}`).check();
    await page.locator(`[data-gen-diff="${good}-${now}"]`).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await one.close();
    await two.close();
  }
});
