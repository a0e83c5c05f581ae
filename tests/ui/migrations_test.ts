// The Migrations page in a real Chromium against a real agent, nginx, rclone and
// two S3 servers (s3rver behind the SigV4 shim): a migration started from the
// form shows on the dashboard while it runs, its progress bar climbs to 100 %
// and reads done, the orphaned source is listed, the detail shows the passed
// timeline and the log; a viewer is offered no start form and no buttons.
import assert from "node:assert/strict";
import { BIG, BUCKET, migrationSetup } from "../migrations/helpers.ts";
import { MIGRATIONS } from "../../agent/features/migrations/engine.ts";
import { launchBrowser, openFromMenu, serveApp, shot, watchErrors } from "./browser.ts";

Deno.test("web UI migrations: start from the form, the bar reaches 100 % and done, orphaned source listed; a viewer sees no buttons", async () => {
  const { s: env } = await migrationSetup(60);
  // A bandwidth limit keeps the first copy pass (with its 8 MiB object) running a few seconds.
  Object.assign(env.t.agent.rt.settings, { migration_bandwidth_limit: "2M" });
  const s = serveApp(env.t);
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Migrations");
    const form = page.locator("[data-start-form]");
    await form.waitFor();
    await form.getByLabel("Site").selectOption("s3");
    await form.getByLabel("From pool").selectOption("hot");
    const bucket = form.getByLabel("Bucket");
    await bucket.locator("option", { hasText: BUCKET }).waitFor({ state: "attached" });
    assert.deepEqual(await bucket.locator("option").allTextContents(), [BUCKET]);
    assert.deepEqual(await form.getByLabel("To pool").locator("option").allTextContents(), [
      "cold",
    ]);
    await form.getByLabel("To pool").selectOption("cold");
    await form.getByLabel("Mode").selectOption("copy");
    await form.getByRole("button", { name: "Start migration" }).click();
    const row = page.locator("tr[data-migration]");
    await row.waitFor();
    const id = await row.getAttribute("data-migration");
    assert.ok(id);
    const bar = row.getByRole("progressbar", { name: `Progress of ${BUCKET}` });
    await bar.waitFor();

    // While it runs, the dashboard shows it with its bar.
    await page.goto(`${s.base}/#/`);
    const dash = page.locator("[data-active-migrations]");
    await dash.waitFor({ timeout: 15_000 });
    assert.match(await dash.innerText(), /photos\s+hot → cold/);
    await dash.getByRole("progressbar").waitFor();
    await shot(page, "migrations-dashboard");

    // Back on the page: the bar is polled until done, phases as the user reads them.
    await page.getByRole("link", { name: "Migrations", exact: true }).click();
    const progress = page.locator(`[data-progress="${id}"]`);
    await progress.waitFor();
    const seen: string[] = [];
    const percents: number[] = [];
    const deadline = Date.now() + 150_000;
    while (true) {
      const phase = (await progress.locator("[data-phase-text]").innerText()).trim();
      if (seen.at(-1) !== phase) seen.push(phase);
      percents.push(Number(await progress.getByRole("progressbar").getAttribute("aria-valuenow")));
      if (phase === "done" || phase === "error" || phase === "cancelled") break;
      if (Date.now() > deadline) assert.fail(`still ${phase} after 150 s (seen ${seen})`);
      await page.waitForTimeout(200);
    }
    console.log(`phases seen in the UI: ${seen.join(" > ")}; percents ${[...new Set(percents)]}`);
    assert.equal(seen.at(-1), "done", `phases seen: ${seen.join(" > ")}`);
    assert.ok(seen.length >= 2, `the bar was watched before done: ${seen.join(" > ")}`);
    const doneBar = progress.getByRole("progressbar");
    assert.equal(await doneBar.getAttribute("aria-valuenow"), "100");
    assert.equal((await progress.locator("[data-percent]").innerText()).trim(), "100 %");
    assert.equal(
      await page.locator(`tr[data-migration="${id}"]`).getAttribute("data-phase"),
      "done",
    );
    assert.match((await doneBar.locator("span").getAttribute("style")) ?? "", /width: 100%/);
    const orphan = page.locator(`tr[data-orphaned="${id}"]`);
    await orphan.waitFor();
    assert.match(await orphan.innerText(), /s3\/photos\s+hot\s+cold/);
    await page.locator("[data-no-stale]").waitFor();
    await shot(page, "migrations-done");

    // The detail: every phase passed, the orphaned source, the log of the split.
    await page.getByRole("link", { name: id! }).click();
    const tl = page.locator("[data-timeline]");
    await tl.waitFor();
    assert.deepEqual(
      await tl.locator("li").evaluateAll((ls) =>
        ls.map((l) => `${l.dataset.phase}:${l.className}`)
      ),
      [
        "pending:passed",
        "copying:passed",
        "write_routing:passed",
        "verifying:passed",
        "switching:passed",
        "done:passed",
      ],
    );
    assert.match(await page.locator("[data-orphaned-source]").innerText(), /photos on hot/);
    assert.match(await page.locator("[data-migration-log]").innerText(), /split at/);
    assert.equal(await page.getByRole("button", { name: /Cancel migration/ }).count(), 0);
    await shot(page, "migrations-detail");

    // What the agent did matches: the bucket is served by cold, the multipart object is there.
    const rec = (await env.t.api("GET", "/api/sites/s3/buckets")).body.buckets
      .find((x: { bucket: string }) => x.bucket === BUCKET);
    assert.equal(rec.routed_pool, "cold");
    const big = await env.direct[1].request("HEAD", `/${BUCKET}/${BIG}`);
    assert.equal(big.headers.get("content-length"), String(8 * 1024 * 1024));

    // A viewer: the same page without the start form, the purge or any button.
    await page.route("**/api/whoami", (r) =>
      r.fulfill({
        json: { via: "token", role: "viewer", tenant: null, token: { name: "v" } },
      }));
    await page.goto(`${s.base}/#/migrations`);
    await page.reload();
    await page.locator(`tr[data-migration="${id}"]`).waitFor();
    await page.locator(`tr[data-orphaned="${id}"]`).waitFor();
    assert.equal(await page.locator("[data-start-form]").count(), 0, "no start form");
    assert.equal(
      await page.locator("main").getByRole("button").count(),
      0,
      "no buttons on the page",
    );
    assert.equal(await page.getByLabel(/to confirm the purge/).count(), 0);
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-migrations").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.t.agent.rt.use(MIGRATIONS).stop();
    await s.close();
    await env.close().catch(() => {});
  }
});

Deno.test("web UI migrations: cancel before the split asks first, says the source keeps serving, and ends cancelled", async () => {
  const { s: env } = await migrationSetup(20);
  // A slow first pass (8 MiB at 500 KiB/s) leaves time to cancel before the split.
  Object.assign(env.t.agent.rt.settings, { migration_bandwidth_limit: "500K" });
  const s = serveApp(env.t);
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Migrations");
    const form = page.locator("[data-start-form]");
    await form.getByLabel("Bucket").locator("option", { hasText: BUCKET }).waitFor({
      state: "attached",
    });
    assert.equal(
      await form.getByLabel("From pool").inputValue(),
      "hot",
      "the pool with the bucket",
    );
    await form.getByRole("button", { name: "Start migration" }).click();
    const link = page.locator("tr[data-migration] a").first();
    await link.waitFor();
    await link.click();
    await page.locator('[data-timeline] li[data-phase="copying"][aria-current="step"]').waitFor({
      timeout: 15_000,
    });
    await page.getByRole("button", { name: "Cancel migration…" }).click();
    const box = page.locator("[data-cancel-confirm]");
    await box.waitFor();
    assert.match(await box.innerText(), /rclone stops; the route was never changed, so hot keeps/);
    await box.getByRole("button", { name: "Keep running" }).click();
    assert.equal(await box.count(), 0, "keep running closes the confirmation");
    await page.getByRole("button", { name: "Cancel migration…" }).click();
    await box.getByRole("button", { name: "Stop migration" }).click();
    const progress = page.locator("[data-progress]");
    await page.locator('[data-progress][data-phase="cancelled"]').waitFor({ timeout: 60_000 });
    assert.equal((await progress.locator("[data-phase-text]").innerText()).trim(), "cancelled");
    assert.match((await progress.getByRole("progressbar").getAttribute("class")) ?? "", /bad/);
    const steps = await page.locator("[data-timeline] li").evaluateAll((ls) =>
      ls.map((l) => l.getAttribute("data-phase"))
    );
    assert.deepEqual(steps, ["pending", "copying", "cancelled"]);
    assert.match(await page.locator("[data-migration-log]").innerText(), /cancel requested/);
    assert.equal(await page.getByRole("button", { name: /Cancel migration/ }).count(), 0);
    const rec = (await env.t.api("GET", "/api/sites/s3/buckets")).body.buckets
      .find((x: { bucket: string }) => x.bucket === BUCKET);
    assert.equal(rec.routed_pool, "hot", "the source still serves the bucket");
    await shot(page, "migrations-cancelled");
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-migrations-cancel").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.t.agent.rt.use(MIGRATIONS).stop();
    await s.close();
    await env.close().catch(() => {});
  }
});
