// The Settings page in a real Chromium against a real agent: a setting edited
// there lands in config.toml (comments kept), waits for a restart, and the
// restart button says how outside systemd; an env-fixed setting is not editable.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { launchBrowser, openFromMenu, serveTestAgent, shot, watchErrors } from "./browser.ts";

Deno.test("web UI settings: edit a setting, see it pending a restart, restart says how", async () => {
  // The file exists before the agent starts, as on a host.
  const dir = await tempDir("ui-settings");
  const file = `${dir}/config.toml`;
  await Deno.writeTextFile(file, '# ours\napply_mode = "auto"  # keep\n');
  const s = await serveTestAgent({ dir });
  assert.equal(s.t.settings.config_file, file);
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Settings");
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    await page.locator("[data-restart-pending]").first().waitFor();
    await shot(page, "settings-open");
    const api = await s.t.api("GET", "/api/config/settings");
    assert.equal(
      api.body.restart_pending,
      false,
      JSON.stringify(
        api.body.settings.filter((x: { restart_needed: boolean }) => x.restart_needed),
      ),
    );
    await page.locator("[data-restart-pending=none]").waitFor();
    const row = page.locator("tr[data-setting=log_level]");
    await row.getByRole("button", { name: "Edit" }).click();
    await row.locator("select").selectOption("debug");
    await row.getByRole("button", { name: "Save" }).click();
    await row.locator("[data-pending]").waitFor();
    assert.match(await row.locator("[data-pending]").innerText(), /after restart: debug/);
    assert.match(await row.locator("[data-value]").innerText(), /^info/);
    assert.equal(
      await Deno.readTextFile(file),
      '# ours\napply_mode = "auto"  # keep\nlog_level = "debug"\n',
    );
    await page.locator("[data-restart-pending]").getByText("1 setting(s) wait").waitFor();

    // A bad value is refused by the API, shown on the row, and not written.
    const keep = page.locator("tr[data-setting=generations_keep]");
    await keep.getByRole("button", { name: "Edit" }).click();
    await keep.locator("input").fill("1");
    await keep.getByRole("button", { name: "Save" }).click();
    await keep.locator("[data-error-code=VALIDATION_FAILED]").waitFor();
    assert.doesNotMatch(await Deno.readTextFile(file), /generations_keep/);
    await shot(page, "settings-pending");

    await page.getByRole("button", { name: "Restart the agent" }).click();
    await page.locator("[data-restart]").waitFor();
    assert.match(await page.locator("[data-restart]").innerText(), /does not run under systemd/);
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
  }
});
