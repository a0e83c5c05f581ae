// The Buckets page in a real Chromium against a real agent, nginx and two S3
// servers (s3rver behind the SigV4 shim): a promote that would orphan objects
// shows the conflict box and routes only when the operator chooses so; the
// orphan purge is enabled only once the bucket name is typed, and deletes.
import assert from "node:assert/strict";
import { storageSetup } from "../storage/helpers.ts";
import { launchBrowser, openFromMenu, serveApp, shot, watchErrors } from "./browser.ts";

Deno.test("web UI buckets: promote with the allow_orphan conflict box, purge with a typed confirmation; pool form masks credentials", async () => {
  const env = await storageSetup(2);
  const [hot, cold] = env.direct;
  await hot.createBucket("photos");
  await cold.createBucket("photos");
  await hot.putObject("photos", "a.jpg", "A");
  await hot.putObject("photos", "b.jpg", "B");
  await env.t.api("POST", "/api/sites/s3/buckets/sync");
  const s = serveApp(env.t);
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await openFromMenu(page, s, "Buckets");
    await page.getByRole("link", { name: "s3" }).click();
    const row = page.locator("tr[data-bucket=photos]");
    await row.waitFor();
    assert.match(await row.innerText(), /unrouted/);
    await row.getByLabel("Pool for photos").selectOption("cold");
    await row.getByRole("button", { name: "Promote photos" }).click();
    const box = row.locator("[data-orphan-conflict]");
    await box.waitFor();
    assert.match(await box.innerText(), /allow_orphan/);
    const rec = (await env.t.api("GET", "/api/sites/s3/buckets")).body.buckets[0];
    assert.equal(rec.status, "unrouted", "nothing routed before the choice");
    await shot(page, "buckets-conflict");
    await box.getByRole("button", { name: "Route anyway (leave orphans)" }).click();
    await row.locator(".badge.ok", { hasText: "routed" }).waitFor();
    assert.match(await row.innerText(), /cold/);

    await page.getByRole("button", { name: "Scan for orphans" }).click();
    const orphan = page.locator("tr[data-orphan=photos]");
    await orphan.waitFor();
    assert.match(await orphan.innerText(), /2/);
    const purge = orphan.getByRole("button", { name: /Purge 2 object/ });
    assert.equal(await purge.isDisabled(), true, "disabled until the name is typed");
    await orphan.getByLabel("Type photos to confirm").fill("photo");
    assert.equal(await purge.isDisabled(), true);
    await orphan.getByLabel("Type photos to confirm").fill("photos");
    await purge.click();
    await page.getByText("Deleted 2 orphan object(s) of photos from hot.").waitFor();
    await page.locator("[data-no-orphans]").waitFor();
    assert.equal((await hot.listAll("photos")).length, 0);
    await shot(page, "buckets-purged");

    // The pool form: credentials are never shown, blank keeps them.
    await page.goto(`${s.base}/#/pools/edit/hot`);
    await page.getByLabel("S3 secret key").waitFor();
    assert.equal(await page.getByLabel("S3 secret key").inputValue(), "");
    assert.equal(await page.getByLabel("S3 secret key").getAttribute("type"), "password");
    assert.ok(!(await page.content()).includes("shared-s3-secret"));
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator(".success, [role=status]").first().waitFor();
    assert.equal(
      (await env.t.api("POST", "/api/sites/s3/buckets/sync")).status,
      200,
      "credentials kept",
    );
    await page.getByRole("button", { name: "nanio-only" }).first().click();
    await page.locator("[data-node-config] strong", { hasText: "/etc/nanio/options.toml" })
      .waitFor();
    // The dashboard counts unrouted buckets.
    await page.goto(`${s.base}/#/`);
    await page.locator("[data-unrouted-buckets]").waitFor();
    assert.equal((await page.locator("[data-unrouted-buckets]").innerText()).trim(), "0");
    assert.deepEqual(errors, [], "the page threw errors");
  } catch (e) {
    await shot(page, "failure-buckets").catch(() => {});
    throw e;
  } finally {
    await b.close();
    await s.close();
    await env.close().catch(() => {});
  }
});
