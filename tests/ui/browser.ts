// A real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a
// test agent served over real HTTP on a free loopback port, for UI tests.
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { startTestAgent, type TestAgent, type TestAgentOptions } from "../helpers/agent.ts";

export const CHROMIUM = "/usr/bin/chromium";

export interface Browser {
  ctx: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  requireChromium();
  const userDataDir = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-chromium-" });
  // launchPersistentContext: launch() refuses a --user-data-dir argument.
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  ctx.setDefaultTimeout(10_000);
  ctx.setDefaultNavigationTimeout(15_000);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  return {
    ctx,
    page,
    async close() {
      await ctx.close().catch(() => {});
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    },
  };
}

export interface ServedAgent {
  t: TestAgent;
  base: string;
  close(): Promise<void>;
}

/** A test agent (real nginx) whose app answers real HTTP, as `agent serve` does. */
export async function serveTestAgent(opts: TestAgentOptions = {}): Promise<ServedAgent> {
  return serveApp(await startTestAgent(opts));
}

/** Serves a started test agent's app over real HTTP; close() stops both. */
export function serveApp(t: TestAgent): ServedAgent {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    t.agent.app.fetch,
  );
  const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return {
    t,
    base,
    async close() {
      ac.abort();
      await server.finished;
      await t.close();
    },
  };
}

export const SHOTS = "/tmp/switchyard-ui";

/** A full-page screenshot into SHOTS, for looking at a run afterwards. */
export async function shot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Opens the app, lands on the login form and submits `key`. */
export async function login(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/login`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Logs in with the agent's key, waits for the dashboard and opens a page from the menu. */
export async function openFromMenu(page: Page, s: ServedAgent, menu: string): Promise<void> {
  await login(page, s.base, s.t.agent.rt.apiKey);
  await page.waitForURL(`${s.base}/`);
  await page.getByRole("link", { name: menu }).click();
}

/** Collects page errors and CSP violations, which a test asserts are none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

export function requireChromium(): void {
  try {
    if (Deno.statSync(CHROMIUM).isFile) return;
  } catch { /* below */ }
  throw new Error(
    `${CHROMIUM} is missing: run \`deno task test\`, which installs it (scripts/install-test-deps.sh)`,
  );
}
