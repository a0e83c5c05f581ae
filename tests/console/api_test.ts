// The API the web console stands on, against a real nginx: list pages
// (?q=&sort=&page=&per_page=) beside unchanged plain lists, counts, a refusal
// that hands back the record's current version so the same draft saves again,
// a draft preview that maps nginx's line to the form field, log tails,
// the settings view, manual-mode Discard and an audited reload.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

const BAD_BLOCK = { zone: "top", content: "proxy_buffers 1 4k;\nproxy_buffers 8;" };

Deno.test("console API: list pages, counts, refusal with current_version, draft preview mapped to the field", async () => {
  const backend = httpBackend("console-api");
  const t = await startTestAgent();
  try {
    for (const p of ["alpha", "beta", "gamma"]) {
      const r = await t.api("PUT", `/api/pools/${p}`, { members: [{ address: backend.address }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    for (const [s, pool] of [["shop", "alpha"], ["blog", "beta"], ["docs", "beta"]]) {
      const r = await t.api("PUT", `/api/sites/${s}`, {
        server_names: [`${s}.example.test`],
        default_pool: pool,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }

    // Without parameters a list is what it always was.
    const plain = await t.api("GET", "/api/sites");
    assert.deepEqual(plain.body.sites.map((s: { name: string }) => s.name), [
      "blog",
      "docs",
      "shop",
    ]);
    assert.equal(plain.body.items, undefined);
    // A search matches names, server names and pools; the answer is a page.
    const byPool = await t.api("GET", "/api/sites?q=BETA");
    assert.deepEqual(Object.keys(byPool.body).sort(), ["items", "page", "per_page", "total"]);
    assert.deepEqual(byPool.body.items.map((s: { name: string }) => s.name), ["blog", "docs"]);
    assert.equal(byPool.body.total, 2);
    const byHost = await t.api("GET", "/api/sites?q=shop.example");
    assert.deepEqual(byHost.body.items.map((s: { name: string }) => s.name), ["shop"]);
    const page2 = await t.api("GET", "/api/sites?sort=-name&per_page=1&page=2");
    assert.deepEqual(page2.body, { ...page2.body, total: 3, page: 2, per_page: 1 });
    assert.equal(page2.body.items[0].name, "docs");
    const bad = await t.api("GET", "/api/pools?page=0");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.detail.field, "page");
    const count = await t.api("GET", "/api/pools?per_page=0");
    assert.deepEqual(count.body, { items: [], total: 3, page: 1, per_page: 0 });
    assert.deepEqual((await t.api("GET", "/api/proxies?q=x")).body.total, 0);
    assert.deepEqual((await t.api("GET", "/api/console/counts")).body.counts.sites, 3);
    assert.deepEqual((await t.api("GET", "/api/console/counts")).body.counts.pools, 3);

    // A save nginx refuses: the error carries the version the agent's revert left.
    const v = (await t.api("GET", "/api/sites/shop")).body.version;
    const draft = {
      server_names: ["shop.example.test"],
      default_pool: "alpha",
      extra_blocks: [BAD_BLOCK],
    };
    const refused = await t.api("PUT", "/api/sites/shop", draft, { "if-match": `"${v}"` });
    assert.equal(refused.body.error.code, "NGINX_TEST_FAILED", JSON.stringify(refused.body));
    const now = (await t.api("GET", "/api/sites/shop")).body;
    assert.equal(refused.body.error.detail.current_version, now.version);
    assert.ok(now.version > v, "the revert is a write of its own");
    assert.deepEqual(now.extra_blocks, [], "nothing of the refused change is stored");
    // The draft preview marks nginx's line and names the field that wrote it.
    const { file, line } = refused.body.error.detail;
    assert.equal(file, "site-shop.conf");
    const pv = await t.api("POST", `/api/console/preview/sites/shop?line=${line}`, draft);
    assert.equal(pv.status, 200, JSON.stringify(pv.body));
    assert.match(pv.body.mark.text, /proxy_buffers 8;/);
    assert.equal(pv.body.mark.field, "extra_blocks[0].content");
    assert.match(pv.body.diff, /^\+\s+proxy_buffers 8;$/m);
    assert.equal(pv.body.changed, true);
    // Fixed, with the version the refusal handed back: it applies.
    const fixed = await t.api("PUT", "/api/sites/shop", {
      ...draft,
      extra_blocks: [{ zone: "top", content: "proxy_buffers 8 4k;" }],
    }, { "if-match": `"${refused.body.error.detail.current_version}"` });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    assert.equal(fixed.body.apply.status, "applied");
    // A new record refused: it is gone again, current_version 0 (create again).
    const created = await t.api(
      "PUT",
      "/api/sites/newbie",
      { ...draft, server_names: ["n.test"] },
      {
        "if-match": `"0"`,
      },
    );
    assert.equal(created.body.error.code, "NGINX_TEST_FAILED");
    assert.equal(created.body.error.detail.current_version, 0);
    // A draft that is invalid is refused by the preview as by a save, naming the field.
    const inv = await t.api("POST", "/api/console/preview/sites/shop", { server_names: ["a;b"] });
    assert.equal(inv.status, 400);
    assert.match(inv.body.error.detail.field, /^server_names/);
    // A route's location: nginx's line inside it maps to that route.
    const pr = await t.api("POST", "/api/console/preview/sites/blog?line=1", {
      server_names: ["blog.example.test"],
      routes: [{ name: "api", path: "/api/", pool: "beta" }],
    });
    const lines: string[] = pr.body.text.split("\n");
    const at = lines.findIndex((l) => l.includes("location /api/")) + 1;
    const pr2 = await t.api("POST", `/api/console/preview/sites/blog?line=${at + 1}`, {
      server_names: ["blog.example.test"],
      routes: [{ name: "api", path: "/api/", pool: "beta" }],
    });
    assert.equal(pr2.body.mark.field, "routes[0]");
  } finally {
    await t.close();
    await backend.close();
  }
});

Deno.test("console API: logs, settings view, manual-mode discard, audited reload", async () => {
  const backend = httpBackend("console-api2");
  const t = await startTestAgent({ overrides: { apply_mode: "manual" } });
  try {
    // Logs: the nginx error log, filtered, and followed from an offset.
    const sources = (await t.api("GET", "/api/console/logs")).body.sources;
    assert.deepEqual(sources.map((s: { id: string }) => s.id).slice(0, 2), [
      "nginx-error",
      "nginx-access",
    ]);
    const errLog = t.settings.nginx_error_log;
    await Deno.writeTextFile(errLog, "2026/12/01 [notice] one\n2026/12/01 [warn] two\n", {
      append: true,
    });
    const tail = (await t.api("GET", "/api/console/logs/nginx-error?q=warn")).body;
    assert.deepEqual(tail.lines.slice(-1), ["2026/12/01 [warn] two"]);
    assert.ok(tail.lines.every((l: string) => l.includes("warn")));
    await Deno.writeTextFile(errLog, "2026/12/01 [error] three\n", { append: true });
    const next = (await t.api("GET", `/api/console/logs/nginx-error?after=${tail.offset}`)).body;
    assert.deepEqual(next.lines, ["2026/12/01 [error] three"]);
    const dl = await t.api("GET", "/api/console/logs/nginx-error?download=1&q=three");
    assert.equal(dl.body, "2026/12/01 [error] three\n");
    assert.match(dl.headers.get("content-disposition") ?? "", /attachment/);
    assert.equal((await t.api("GET", "/api/console/logs/..%2Fetc")).status, 400);

    // Settings: every row, secrets masked, sources named.
    const sv = (await t.api("GET", "/api/console/settings")).body.settings;
    const by = new Map(sv.map((s: { name: string }) => [s.name, s]));
    for (const n of ["listen", "apply_mode", "drift_interval", "nginx_access_log"]) {
      assert.ok(by.has(n), `setting ${n} missing`);
    }
    // deno-lint-ignore no-explicit-any
    const mode = by.get("apply_mode") as any;
    assert.equal(mode.value, "manual");
    assert.equal(mode.source, "command line");
    // deno-lint-ignore no-explicit-any
    assert.equal((by.get("log_tail_kib") as any).source, "default");
    assert.ok(!JSON.stringify(sv).includes(t.agent.rt.apiKey), "no secret in the settings view");

    // Manual mode: a pending change shows as a diff and Discard puts it back.
    await t.api("PUT", "/api/pools/web", { members: [{ address: backend.address }] });
    await t.api("POST", "/api/config/apply");
    const v1 = (await t.api("GET", "/api/pools/web")).body;
    await t.api("PUT", "/api/pools/web", {
      members: [{ address: backend.address }, { address: "127.0.0.1:9" }],
    });
    const pend = (await t.api("GET", "/api/console/pending")).body.pending;
    assert.equal(pend[0].id, "pool/web");
    assert.match(pend[0].diff, /^\+\s+server 127\.0\.0\.1:9/m);
    const d = await t.api("POST", "/api/console/pending/discard", { id: "pool/web" });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);
    assert.deepEqual((await t.api("GET", "/api/pools/web")).body.members, v1.members);
    const disc = (await t.api("GET", "/api/audit?action=discard")).body;
    assert.equal(disc.entries[0].entity.name, "web");

    // Reload nginx is audited.
    assert.equal((await t.api("POST", "/api/config/reload")).status, 200);
    const rl = (await t.api("GET", "/api/audit?action=nginx.reload")).body;
    assert.equal(rl.entries.length, 1);
    assert.equal(rl.entries[0].outcome, "reloaded");
  } finally {
    await t.close();
    await backend.close();
  }
});
