// Drift against a real nginx: a hand edit is reported with its diff within one
// drift interval and recorded in the audit log once; rewrite-file restores the
// file; absorb-file imports a supported edit and refuses an unsupported one
// naming file:line; a missing include line and a stopped nginx are reported.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { type Backend, httpBackend } from "../helpers/backends.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { sha256 } from "../../agent/nginx/generations.ts";

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 8000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function withSetup(fn: (t: TestAgent, a: Backend, b: Backend) => Promise<void>) {
  const a = httpBackend("a");
  const b = httpBackend("b");
  const t = await startTestAgent({ features: FEATURES, overrides: { drift_interval: 1 } });
  try {
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: a.address }] })).status,
      201,
    );
    const s = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
      routes: [{ name: "api", path: "/api/", pool: "web", strip_prefix: true }],
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    await t.agent.startJobs();
    await fn(t, a, b);
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
}

const current = (t: TestAgent) => `${t.settings.nginx_dir}/current`;

Deno.test("a hand edit is reported with its diff within one interval, audited once, and rewrite-file restores it", async () => {
  await withSetup(async (t) => {
    const file = `${current(t)}/site-shop.conf`;
    const original = await Deno.readTextFile(file);
    const clean = await waitFor("first drift check", async () => {
      const s = await t.api("GET", "/api/config/status");
      return s.body.drift?.checked_at ? s.body.drift : null;
    });
    assert.equal(clean.ok, true, JSON.stringify(clean.issues));

    const edited = original.replace(
      "server_tokens off;",
      "server_tokens off;\n    client_max_body_size 99m;",
    );
    await Deno.writeTextFile(file, edited);
    const editedAt = Date.now();
    const drift = await waitFor("drift report", async () => {
      const s = await t.api("GET", "/api/config/status");
      return s.body.drift.files.length ? s.body.drift : null;
    });
    assert.ok(Date.now() - editedAt < 2500, "reported within one interval (1 s) plus a check");
    assert.equal(drift.ok, false);
    const f = drift.files[0];
    assert.equal(f.file, "site-shop.conf");
    assert.equal(f.path, file);
    assert.equal(f.status, "modified");
    assert.equal(f.expected_sha256, sha256(original));
    assert.equal(f.actual_sha256, sha256(edited));
    assert.equal(f.absorbable, true);
    assert.match(
      f.diff,
      /^--- site-shop\.conf \(generation \d+, as written\)\n\+\+\+ site-shop\.conf \(on disk\)\n@@ /,
    );
    assert.ok(f.diff.includes("\n+    client_max_body_size 99m;\n"), f.diff);

    // several intervals later the same drift is still in the audit log once
    await new Promise((r) => setTimeout(r, 2200));
    const audit = await t.api("GET", "/api/audit?action=drift.detected");
    const entries = audit.body.entries.filter((e: { entity: { name: string } }) =>
      e.entity.name === "site-shop.conf"
    );
    assert.equal(entries.length, 1, JSON.stringify(audit.body.entries));
    assert.match(entries[0].detail.diff, /client_max_body_size 99m/);
    // never corrected by itself
    assert.equal(await Deno.readTextFile(file), edited);

    // nginx loaded the edit (an operator reloaded): rewrite restores the file and reloads
    await t.api("POST", "/api/config/reload");
    const reloads = t.reloads();
    const rw = await t.api("POST", "/api/config/rewrite-file", { path: "site-shop.conf" });
    assert.equal(rw.status, 200, JSON.stringify(rw.body));
    assert.deepEqual(rw.body.files, [{ file: "site-shop.conf", action: "rewritten" }]);
    assert.equal(rw.body.tested, true);
    assert.equal(rw.body.reloaded, true);
    assert.equal(t.reloads(), reloads + 1);
    assert.equal(await Deno.readTextFile(file), original);
    const after = await t.api("GET", "/api/config/status");
    assert.deepEqual(after.body.drift.files, []);
    assert.equal((await t.viaNginx("shop.test", "/api/x")).text, "a /x");
    const resolved = await t.api("GET", "/api/audit?action=drift.resolved");
    assert.ok(
      resolved.body.entries.some((e: { entity: { name: string } }) =>
        e.entity.name === "site-shop.conf"
      ),
    );
  });
});

Deno.test("absorb-file imports a supported edit through the pipeline and refuses an unsupported line by file:line", async () => {
  await withSetup(async (t, _a, b) => {
    // pool: add a member and switch the balancing method
    const poolFile = `${current(t)}/pool-web.conf`;
    const pool = await Deno.readTextFile(poolFile);
    await Deno.writeTextFile(
      poolFile,
      pool.replace(/upstream sy_web \{\n/, "upstream sy_web {\n    least_conn;\n")
        .replace(/( {4}server [^\n]+;\n)/, `$1    server ${b.address} weight=2;\n`),
    );
    const gen = (await t.api("GET", "/api/config/status")).body.generation;
    const r = await t.api("POST", "/api/config/absorb-file", { path: poolFile });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.changed, true);
    assert.equal(r.body.apply.status, "applied");
    assert.ok(r.body.apply.generation > gen);
    const stored = (await t.api("GET", "/api/pools/web")).body;
    assert.equal(stored.lb_method, "least_conn");
    assert.deepEqual(
      stored.members.map((m: { address: string; weight: number }) => [m.address, m.weight]).slice(
        1,
      ),
      [[b.address, 2]],
    );
    assert.equal(stored.version, 2);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) seen.add((await t.viaNginx("shop.test", "/")).text);
    assert.deepEqual([...seen].sort(), ["a /", "b /"]);
    const audit = await t.api("GET", "/api/audit?action=pool.absorb");
    assert.equal(audit.body.entries[0].outcome, "applied");
    assert.equal((await t.api("GET", "/api/config/drift")).body.files.length, 0);

    // site: a new route location, and a larger body limit
    const siteFile = `${current(t)}/site-shop.conf`;
    const site = await Deno.readTextFile(siteFile);
    const api = site.slice(
      site.indexOf("    # route api"),
      site.indexOf("    }\n", site.indexOf("    # route api")) + 6,
    );
    const added = api.replace("# route api", "# route v2").replace(
      "location /api/",
      "location /v2/",
    )
      .replace('X-Forwarded-Prefix "/api"', 'X-Forwarded-Prefix "/v2"');
    await Deno.writeTextFile(
      siteFile,
      site.replace(api, api + "\n" + added).replace(
        "server_tokens off;",
        "server_tokens off;\n    client_max_body_size 5m;",
      ),
    );
    const rs = await t.api("POST", "/api/config/absorb-file", { path: "site-shop.conf" });
    assert.equal(rs.status, 200, JSON.stringify(rs.body));
    const s = (await t.api("GET", "/api/sites/shop")).body;
    assert.equal(s.client_max_body_size, "5m");
    assert.deepEqual(s.routes.map((x: { name: string; path: string }) => [x.name, x.path]), [[
      "api",
      "/api/",
    ], ["v2", "/v2/"]]);
    assert.match((await t.viaNginx("shop.test", "/v2/hello")).text, /^[ab] \/hello$/);

    // unsupported: a directive the model does not have
    const now = await Deno.readTextFile(siteFile);
    const lines = now.split("\n");
    const at = lines.findIndex((l) => l.includes("# route v2"));
    lines.splice(at, 0, "    location /raw/ {", "        proxy_buffering off;", "    }", "");
    await Deno.writeTextFile(siteFile, lines.join("\n"));
    const bad = await t.api("POST", "/api/config/absorb-file", { path: "site-shop.conf" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "VALIDATION_FAILED");
    assert.equal(bad.body.error.detail.file, "site-shop.conf");
    assert.equal(bad.body.error.detail.line, at + 2);
    assert.match(
      bad.body.error.message,
      new RegExp(`^site-shop\\.conf:${at + 2}: cannot absorb "proxy_buffering off;"`),
    );
    // nothing changed in the state; the file still drifts
    assert.equal((await t.api("GET", "/api/sites/shop")).body.version, s.version);
    const d = (await t.api("GET", "/api/config/drift")).body;
    assert.deepEqual(d.files.map((f: { file: string }) => f.file), ["site-shop.conf"]);
    // sidecars and added files are not absorbable
    await Deno.writeTextFile(`${current(t)}/zz-extra.conf`, "# added by hand\n");
    const added2 = await t.api("POST", "/api/config/absorb-file", { path: "zz-extra.conf" });
    assert.equal(added2.status, 400);
    const d2 = (await t.api("GET", "/api/config/drift")).body;
    assert.deepEqual(d2.files.map((f: { file: string; status: string }) => [f.file, f.status]), [[
      "site-shop.conf",
      "modified",
    ], ["zz-extra.conf", "added"]]);
    // rebuild restores both and reloads
    const rb = await t.api("POST", "/api/config/rebuild");
    assert.equal(rb.status, 200, JSON.stringify(rb.body));
    assert.deepEqual(rb.body.files.map((f: { action: string }) => f.action).sort(), [
      "removed",
      "rewritten",
    ]);
    assert.equal(rb.body.reloaded, true);
    assert.equal((await t.api("GET", "/api/config/drift")).body.ok, true);
  });
});

Deno.test("drift reports a deleted file, an edited sidecar, a missing include line and a stopped nginx", async () => {
  await withSetup(async (t) => {
    await Deno.remove(`${current(t)}/site-shop.conf`);
    const conf = await Deno.readTextFile(t.settings.nginx_conf);
    await Deno.writeTextFile(
      t.settings.nginx_conf,
      conf.replace(/^\s*include .*current\/\*\.conf;$/m, ""),
    );
    const d = (await t.api("GET", "/api/config/drift")).body;
    assert.deepEqual(d.files.map((f: { file: string; status: string }) => [f.file, f.status]), [[
      "site-shop.conf",
      "deleted",
    ]]);
    assert.ok(d.files[0].diff.includes("\n-    server_tokens off;\n"), d.files[0].diff);
    assert.equal(d.include.found, false);
    assert.ok(
      d.issues.some((i: string) =>
        i.includes(`add "include ${t.settings.nginx_dir}/current/*.conf;"`)
      ),
      d.issues,
    );
    await Deno.writeTextFile(t.settings.nginx_conf, conf);
    const rw = await t.api("POST", "/api/config/rewrite-file", {
      path: `${current(t)}/site-shop.conf`,
    });
    assert.equal(rw.status, 200, JSON.stringify(rw.body));
    assert.equal((await t.viaNginx("shop.test", "/")).text, "a /");
    const fixed = (await t.api("GET", "/api/config/drift")).body;
    assert.equal(fixed.ok, true, JSON.stringify(fixed.issues));
    assert.equal(fixed.include.found, true);

    // a sidecar edited by hand is drift too; restoring it needs no reload
    const meta = `${current(t)}/site-shop.meta.json`;
    const sidecar = await Deno.readTextFile(meta);
    await Deno.writeTextFile(meta, sidecar.replace('"shop.test"', '"evil.test"'));
    const ds = (await t.api("GET", "/api/config/drift")).body;
    assert.deepEqual(
      ds.files.map((
        f: { file: string; sidecar: boolean; absorbable: boolean },
      ) => [f.file, f.sidecar, f.absorbable]),
      [["site-shop.meta.json", true, false]],
    );
    assert.ok(ds.files[0].diff.includes('+      "evil.test"'), ds.files[0].diff);
    const reloads = t.reloads();
    const rs = await t.api("POST", "/api/config/rewrite-file", { path: "site-shop.meta.json" });
    assert.equal(rs.status, 200, JSON.stringify(rs.body));
    assert.equal(rs.body.reloaded, false);
    assert.equal(t.reloads(), reloads);
    assert.equal(await Deno.readTextFile(meta), sidecar);
    // the endpoints are described in the OpenAPI document
    const doc = (await t.api("GET", "/api/openapi.json")).body;
    for (
      const p of [
        "/api/config/absorb-file",
        "/api/config/rebuild-from-disk",
        "/api/config/generations/{n}/rollback",
      ]
    ) {
      assert.ok(doc.paths[p], p);
    }

    const pid = Number((await Deno.readTextFile(t.settings.nginx_pid_file)).trim());
    Deno.kill(pid, "SIGQUIT");
    await waitFor("nginx to stop", () => {
      try {
        Deno.kill(pid, "SIGCONT");
        return Promise.resolve(false);
      } catch {
        return Promise.resolve(true);
      }
    });
    const down = (await t.api("GET", "/api/config/drift")).body;
    assert.equal(down.nginx.running, false);
    assert.ok(down.issues.includes("nginx is not running"));
    const audit = await t.api("GET", "/api/audit?entity=nginx");
    assert.ok(
      audit.body.entries.some((e: { action: string; entity: { name: string } }) =>
        e.action === "drift.detected" && e.entity.name === "process"
      ),
    );
  });
});
