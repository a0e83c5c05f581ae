// The Projects page in a real Chromium against a real agent: the builtin
// supervisor runs the scaffolded web.py (python3) behind a real nginx. Refusals
// outline the field the API names; an activation is listed, served and checked;
// deactivation asks first and takes the route away.
import assert from "node:assert/strict";
import { freePort } from "../helpers/agent.ts";
import { makeProjectsFeature } from "../../agent/features/projects/feature.ts";
import { occupyPort } from "../projects/helpers.ts";
import { launchBrowser, openFromMenu, serveTestAgent, shot, watchErrors } from "./browser.ts";

Deno.test("web UI projects: refusals name the field, activate, list, check, deactivate", async () => {
  const s = await serveTestAgent({ features: [makeProjectsFeature()] });
  await s.t.agent.startJobs();
  const busy = occupyPort();
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Projects");
    await page.getByText("No projects yet").waitFor();
    await page.getByRole("link", { name: "Activate a project" }).click();
    await page.getByRole("heading", { name: "Activate a project" }).waitFor();

    // Shell syntax in the command: VALIDATION_FAILED, the command box outlined.
    await page.getByLabel("Name").fill("shop");
    await page.getByLabel("Port").fill(String(busy.port));
    await page.getByLabel("Command").fill("python3 web.py; rm -rf /");
    await page.getByRole("button", { name: "Activate" }).click();
    await page.locator("[data-error-code=VALIDATION_FAILED]").waitFor();
    assert.equal(await page.getByLabel("Command").getAttribute("aria-invalid"), "true");
    await page.locator('[name="command"]:focus').waitFor();

    // A port another process holds: CONFLICT naming it, the port box outlined, input kept.
    await page.getByLabel("Command").fill("");
    await page.getByRole("button", { name: "Activate" }).click();
    const conflict = page.locator("[data-error-code=CONFLICT]");
    await conflict.waitFor();
    assert.match(await conflict.innerText(), new RegExp(`port ${busy.port} is in use`));
    assert.equal(await page.getByLabel("Port").getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("Command").getAttribute("aria-invalid"), null);
    assert.equal(await page.getByLabel("Name").inputValue(), "shop");
    await shot(page, "project-refused");

    // A free port: activated, both hops answer, the page moves to the project.
    const port = freePort();
    await page.getByLabel("Port").fill(String(port));
    await page.getByRole("button", { name: "Activate" }).click();
    await page.getByRole("status").getByText("nginx serves it now").waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "Project shop" }).waitFor();
    assert.match(await page.locator("[data-hop=internal]").innerText(), /\/health: 200 in/);
    assert.match(await page.locator("[data-hop=external]").innerText(), /\/shop\/health: 200 in/);
    const served = await s.t.viaNginx("any.example", "/shop/");
    assert.equal(served.status, 200);
    assert.equal(served.text.trim(), "Hello world: shop");

    // Listed with its port and the supervisor's state; Check proves both hops.
    await page.getByRole("link", { name: "Back to projects" }).click();
    const row = page.locator("tr[data-project=shop]");
    await row.locator("[data-health=running]").waitFor();
    assert.match(await row.innerText(), new RegExp(`active\\s+${port}`));
    await page.getByRole("button", { name: "Check" }).click();
    const checked = page.locator("tr[data-check-project=shop]");
    await checked.waitFor({ timeout: 30_000 });
    assert.equal(await checked.getAttribute("data-ok"), "true", await checked.innerText());
    assert.match(await checked.innerText(), /\/shop\/ -> 127\.0\.0\.1:\d+/);
    await row.locator("[data-health=healthy]").waitFor();
    await shot(page, "projects-checked");

    // Deactivate: a dismissed confirm changes nothing; an accepted one removes the route.
    page.once("dialog", (d) => d.dismiss());
    await page.getByRole("button", { name: "Deactivate project shop" }).click();
    assert.equal((await s.t.viaNginx("any.example", "/shop/")).status, 200);
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Deactivate project shop" }).click();
    await row.locator("[data-health=inactive]").waitFor({ timeout: 20_000 });
    assert.equal((await s.t.viaNginx("any.example", "/shop/")).status, 404);
    assert.equal((await s.t.api("GET", "/api/projects/shop")).body.status, "inactive");

    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-projects").catch(() => {});
    throw e;
  } finally {
    await b.close();
    busy.close();
    await s.close();
  }
});
