// Look and feel in a real Chromium: in dark mode (prefers-color-scheme) at a
// 390 px wide viewport every page and form renders dark, with the menu folded
// behind a button and nothing wider than the screen (tables scroll in their own
// box). Screenshots of each go to /tmp/switchyard-ui/dark-390/ (outside the repo).
// Also the skip link, and a wide light screen for contrast.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { launchBrowser, login, serveTestAgent, SHOTS, watchErrors } from "./browser.ts";
import { PAGES } from "../../web/app/pages.js";

const FORMS = ["/sites/edit/shop", "/sites/new", "/pools/edit/web", "/pools/new", "/proxies/new"];

Deno.test("console looks: dark mode and 390 px, every page without horizontal overflow; skip link", async () => {
  const backend = httpBackend("looks");
  const s = await serveTestAgent();
  const b = await launchBrowser();
  const { page } = b;
  const errors = watchErrors(page);
  try {
    await s.t.api("PUT", "/api/pools/web", { members: [{ address: backend.address }] });
    await s.t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.a-rather-long-server-name-that-would-overflow.example.test"],
      default_pool: "web",
      routes: [{ name: "api", path: "/api/with/a/long/path/", pool: "web", strip_prefix: true }],
    });
    await login(page, s.base, s.t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize({ width: 390, height: 844 });
    const dir = `${SHOTS}/dark-390`;
    await Deno.mkdir(dir, { recursive: true });
    const paths = [...PAGES.map((p: { path: string }) => p.path), ...FORMS];
    const overflow: string[] = [];
    for (const p of paths) {
      await page.goto(`${s.base}/#${p}`);
      await page.locator("main h1").first().waitFor();
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(150);
      const m = await page.evaluate(
        "({ w: document.documentElement.scrollWidth, vw: innerWidth, bg: getComputedStyle(document.documentElement).backgroundColor })",
      ) as { w: number; vw: number; bg: string };
      if (m.w > m.vw) {
        // Name what sticks out (outside any box that scrolls on its own).
        const wide = await page.evaluate(`[...document.querySelectorAll("body *")].filter((e) => {
          if (e.getBoundingClientRect().right <= innerWidth + 1) return false;
          for (let a = e.parentElement; a; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== "visible" && a !== document.body) return false;
          }
          return true;
        }).slice(0, 3).map((e) => e.tagName + "." + e.className)`);
        overflow.push(`${p}: ${m.w}px wide in ${m.vw}px: ${JSON.stringify(wide)}`);
      }
      const [r, g, bl] = (m.bg.match(/\d+/g) ?? []).map(Number);
      assert.ok(r + g + bl < 150, `${p}: background ${m.bg} is not dark`);
      const name = p === "/" ? "dashboard" : p.slice(1).replaceAll("/", "-");
      await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
    }
    assert.deepEqual(overflow, [], "pages wider than the screen");
    // The menu is folded behind a button; the button opens it.
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sites" })
      .click();
    await page.getByRole("heading", { name: "Sites" }).waitFor();
    // Folded again (a menu left open would cover the page it opened).
    await page.getByRole("navigation", { name: "Main" }).waitFor({
      state: "hidden",
      timeout: 5000,
    });

    // The skip link is the first stop of the keyboard and lands on the page.
    await page.goto(`${s.base}/#/sites`);
    await page.reload();
    await page.getByRole("heading", { name: "Sites" }).waitFor();
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    assert.equal(await skip.evaluate((e) => e === e.ownerDocument.activeElement), true);
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate("document.activeElement.id"), "main");

    // Wide and light: the menu is inline.
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), true);
    assert.equal(await page.getByRole("button", { name: "Menu" }).isVisible(), false);
    await page.screenshot({ path: `${SHOTS}/light-1280-sites.png`, fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await s.close();
    await backend.close();
  }
});
