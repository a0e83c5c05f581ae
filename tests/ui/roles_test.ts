// Roles in the browser: a tenant viewer logs in with its token and is shown no
// write buttons (not just refused); an admin manages tenants and tokens on the
// Access page, and a created token is shown once.
import assert from "node:assert/strict";
import { launchBrowser, login, serveTestAgent, watchErrors } from "./browser.ts";

Deno.test("web UI roles: a viewer token sees its pools but no write buttons; an admin creates a token on the Access page", async () => {
  const s = await serveTestAgent({ startNginx: false });
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    const t = s.t;
    assert.equal((await t.api("PUT", "/api/tenants/ta", { domains: ["*.ta.test"] })).status, 201);
    const mk = async (role: string) =>
      (await t.api("POST", "/api/tokens", { tenant: "ta", role, name: role })).body.token;
    const operator = await mk("operator");
    const viewer = await mk("viewer");
    const put = await t.agent.app.request("/api/pools/tpool", {
      method: "PUT",
      headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
      body: JSON.stringify({ members: [{ address: "127.0.0.1:9" }] }),
    });
    assert.equal(put.status, 201, await put.text());
    assert.equal((await t.api("PUT", "/api/pools/rootpool", { members: [] })).status, 201);

    await login(page, s.base, viewer);
    await page.waitForURL(`${s.base}/`);
    await page.getByText("viewer · viewer · ta").waitFor();
    await page.getByRole("link", { name: "Pools" }).click();
    await page.getByRole("cell", { name: "tpool", exact: true }).waitFor();
    assert.equal(
      await page.getByRole("cell", { name: "rootpool" }).count(),
      0,
      "another tenant's pool is not listed",
    );
    assert.equal(
      await page.getByRole("button", { name: "Delete pool tpool" }).count(),
      0,
      "no delete button",
    );
    assert.equal(
      await page.getByRole("link", { name: "New pool" }).isVisible(),
      false,
      "no New pool",
    );
    assert.equal(
      await page.getByRole("link", { name: "Access" }).count(),
      0,
      "no Access page in the menu",
    );
    await page.goto(`${s.base}/#/config`);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    assert.equal(
      await page.getByRole("button").filter({ hasNotText: "Log out" }).count(),
      0,
      "no buttons but Log out",
    );

    // the operator is offered the delete
    await page.getByRole("button", { name: "Log out" }).click();
    await login(page, s.base, operator);
    await page.waitForURL(`${s.base}/`);
    await page.goto(`${s.base}/#/pools`);
    await page.getByRole("button", { name: "Delete pool tpool" }).waitFor();

    // the admin: Access page, a new token shown once
    await page.getByRole("button", { name: "Log out" }).click();
    await login(page, s.base, t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    await page.getByRole("link", { name: "Access" }).click();
    await page.getByRole("cell", { name: "*.ta.test" }).waitFor();
    await page.getByLabel("Token name").fill("deploy");
    await page.getByLabel("Tenant (empty: admin of everything)").fill("ta");
    await page.getByLabel("Role").selectOption("operator");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = await page.getByRole("status").filter({ hasText: "shown once" }).textContent();
    assert.match(shown ?? "", /sy_[0-9a-f]{12}_[0-9a-f]{48}/);
    await page.getByRole("cell", { name: "deploy", exact: true }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
  }
});
