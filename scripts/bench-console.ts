// The web console at scale (part of `deno task bench`; alone:
// deno run -A scripts/bench-console.ts [SITES], default 10000): sites written
// through the store's batch path, then, in a real Chromium against the real
// agent, the time from opening the Sites page to its first 50 rows, a search
// answered, the next page, and the dashboard with its counts; the list API's
// own answer times, the dashboard's requests together, and saving one site
// through the API until applied, against the round's own apply time. Not a test:
// it prints figures (the README keeps them).
import { chromium } from "playwright-core";
import { httpBackend } from "../tests/helpers/backends.ts";
import { manySites, siteName } from "../tests/helpers/many-sites.ts";
import { CHROMIUM, login, type ServedAgent, serveTestAgent } from "../tests/ui/browser.ts";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

export async function benchConsole(n: number): Promise<void> {
  const backend = httpBackend("bench-console");
  const s = await serveTestAgent();
  const dir = await Deno.makeTempDir({ prefix: "sy-bench-chromium-" });
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    let t0 = performance.now();
    await manySites(s.t, n, backend.address);
    const seed = performance.now() - t0;
    t0 = performance.now();
    const applied = await s.t.agent.rt.reconciler.applyNow();
    const apply = performance.now() - t0;
    if (applied.status !== "applied") throw new Error(`apply: ${JSON.stringify(applied)}`);
    // As under `agent serve`: the drift job keeps its report, so status does not re-hash.
    await s.t.agent.startJobs();
    const api = async (path: string) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const r = await s.t.api("GET", path);
        if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
        xs.push(performance.now() - t);
      }
      return median(xs);
    };
    const apiRows: [string, number][] = [];
    for (
      const p of [
        "/api/sites?per_page=50",
        `/api/sites?q=${siteName(n - 7)}&per_page=50`,
        "/api/sites?sort=-name&page=20&per_page=50",
        "/api/console/counts",
        "/api/config/status",
        "/api/health",
        "/api/pools?per_page=50",
        "/api/console/used-by/pools?names=web,api,static",
        "/api/sites",
      ]
    ) apiRows.push([p, await api(p)]);
    // What the dashboard sends on load, at once as the page does.
    const dashboard = [
      "/api/health",
      "/api/console/counts",
      "/api/certs?sort=not_after&per_page=6",
      "/api/config/status",
    ];
    const together: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await Promise.all(dashboard.map((p) => s.t.api("GET", p)));
      together.push(performance.now() - t);
    }
    apiRows.push(["the dashboard's four requests at once", median(together)]);
    const save = await saveOne(s.t, 3);
    apiRows.push([
      "the pending list alone right after a save (`Reconciler.pending`)",
      save.pendingAfter,
    ]);
    apiRows.push([
      "`GET /api/config/status` right after a save (drift re-checked)",
      save.statusAfter,
    ]);

    const page = ctx.pages()[0] ?? (await ctx.newPage());
    page.setDefaultTimeout(60_000);
    await login(page, s.base, s.t.agent.rt.apiKey);
    await page.waitForURL(`${s.base}/`);
    const ui: [string, number][] = [];
    const time = async (
      what: string,
      act: () => Promise<unknown>,
      done: () => Promise<unknown>,
    ) => {
      const xs: number[] = [];
      for (let i = 0; i < 3; i++) {
        // From a light page whose own requests are done, so only the measured page's count.
        await page.goto(`${s.base}/#/not-a-page`);
        await page.getByRole("heading", { name: "Not found" }).waitFor();
        t0 = performance.now();
        await act();
        await done();
        xs.push(performance.now() - t0);
      }
      ui.push([what, median(xs)]);
    };
    await time(
      "Dashboard with counts",
      () => page.getByRole("navigation").getByRole("link", { name: "Dashboard" }).click(),
      () => page.locator('[data-count="sites"]').getByText(n.toLocaleString("en")).waitFor(),
    );
    await time(
      "Dashboard complete (config status too)",
      () => page.getByRole("navigation").getByRole("link", { name: "Dashboard" }).click(),
      () => page.locator('[aria-labelledby="dash-last"][data-loaded="yes"]').waitFor(),
    );
    await time(
      "Sites page: first 50 rows",
      () => page.getByRole("navigation").getByRole("link", { name: "Sites", exact: true }).click(),
      () => page.locator(`[data-total="${n}"]`).waitFor(),
    );
    // A search: from the request leaving the box (after the 250 ms typing pause) to its rows.
    const xs: number[] = [];
    for (const i of [n - 7, 42, Math.floor(n / 2)]) {
      await page.goto(`${s.base}/#/sites`);
      await page.locator(`[data-total="${n}"]`).waitFor();
      await page.getByLabel("Search sites").fill(siteName(i));
      const req = page.waitForRequest((r) => r.url().includes(`q=${siteName(i)}`));
      await req;
      t0 = performance.now();
      await page.locator(`tr[data-site="${siteName(i)}"]`).waitFor();
      xs.push(performance.now() - t0);
    }
    ui.push(["Sites search answered (request → rows)", median(xs)]);
    await time(
      "Sites page 2",
      () => page.goto(`${s.base}/#/sites?page=2`),
      () => page.locator(`tr[data-site="${siteName(99)}"]`).waitFor(),
    );

    console.log(
      `\nWeb console at ${n.toLocaleString("en")} sites (seeded in ${
        Math.round(seed)
      } ms, applied in ${Math.round(apply)} ms)\n`,
    );
    console.log("| API request | median of 5 |\n| --- | ---: |");
    for (const [p, v] of apiRows) {
      console.log(`| ${p.startsWith("/") ? `\`${p}\`` : p} | ${Math.round(v)} ms |`);
    }
    console.log("\n| in Chromium | median of 3 |\n| --- | ---: |");
    for (const [w, v] of ui) console.log(`| ${w} | ${Math.round(v)} ms |`);
    console.log(
      `\nSaving one site (PUT, answered once applied; median of ${save.n}): ${
        Math.round(save.put)
      } ms; the round's own apply ${Math.round(save.apply)} ms (PUT / apply = ${
        (save.put / save.apply).toFixed(2)
      }), of which writing the generation ${Math.round(save.stage)} ms, \`nginx -t\` ${
        Math.round(save.test)
      } ms, reload + proof ${Math.round(save.reload)} ms`,
    );
  } finally {
    await ctx.close().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await s.close();
    await backend.close();
  }
}

/**
 * PUTs one existing site `n` times (a different pool each time), each answered
 * once its apply ended; the reference is the apply the round itself timed
 * (`apply.duration_ms`) and, inside it, the generation's write, `nginx -t` and the reload.
 */
async function saveOne(t: ServedAgent["t"], n: number) {
  const rt = t.agent.rt;
  const phase: Record<string, number> = {};
  // deno-lint-ignore no-explicit-any
  const wrap = (obj: any, method: string, name: string) => {
    const orig = obj[method].bind(obj);
    obj[method] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await orig(...args);
      } finally {
        phase[name] = (phase[name] ?? 0) + performance.now() - t0;
      }
    };
    return () => (obj[method] = orig);
  };
  const undo = [
    wrap(rt.generations, "stage", "stage"),
    wrap(rt.nginx, "test", "test"),
    wrap(rt.nginx, "reloadAndVerify", "reload"),
  ];
  const rows: Record<string, number>[] = [];
  try {
    for (let i = 0; i < n; i++) {
      for (const k of Object.keys(phase)) delete phase[k];
      const name = siteName(5);
      const t0 = performance.now();
      const r = await t.api("PUT", `/api/sites/${name}`, {
        server_names: [`${name}.example.test`],
        default_pool: ["web", "api"][i % 2],
      });
      const put = performance.now() - t0;
      if (r.status !== 200 || r.body.apply?.status !== "applied") {
        throw new Error(`save: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
      let t1 = performance.now();
      await rt.reconciler.pending();
      const pendingAfter = performance.now() - t1;
      t1 = performance.now();
      const st = await t.api("GET", "/api/config/status");
      const statusAfter = performance.now() - t1;
      if (st.body.pending_count !== 0) throw new Error(`pending after a save: ${st.body.pending}`);
      rows.push({ put, apply: r.body.apply.duration_ms, pendingAfter, statusAfter, ...phase });
    }
  } finally {
    for (const u of undo) u();
  }
  const m = (k: string) => median(rows.map((r) => r[k] ?? 0));
  return {
    n,
    put: m("put"),
    apply: m("apply"),
    pendingAfter: m("pendingAfter"),
    statusAfter: m("statusAfter"),
    stage: m("stage"),
    test: m("test"),
    reload: m("reload"),
  };
}

if (import.meta.main) await benchConsole(Number(Deno.args[0] ?? 10_000));
