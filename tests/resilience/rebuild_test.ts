// Lost or corrupted state: the agent starts, says so, holds applies (which
// would remove every site from nginx), and `agent rebuild-db` restores the
// state from the files on disk without touching nginx.
import assert from "node:assert/strict";
import { startTestAgent, tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { sameRecord } from "../../agent/nginx/reconciler.ts";
import { agentCli, devEnv, spawnAgent, stopNginx } from "../helpers/proc.ts";

const names = Array.from({ length: 20 }, (_, i) => `s${String(i + 1).padStart(2, "0")}`);

Deno.test("KV file deleted under a setup with 20 sites: rebuild-db --dry-run lists them and writes nothing, rebuild-db restores them, the next apply is a no-op", async () => {
  const be = httpBackend("be");
  const cwd = await tempDir("rebuild");
  const e = devEnv(cwd);
  try {
    const a0 = await spawnAgent(e);
    assert.equal(
      (await a0.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const puts = await Promise.all(names.map((n) =>
      a0.api("PUT", `/api/sites/${n}`, {
        server_names: [`${n}.test`],
        default_pool: "web",
        description: `site ${n}`,
        routes: [{ name: "api", path: "/api/", pool: "web", strip_prefix: true }],
      })
    ));
    for (const p of puts) assert.equal(p.status, 201, JSON.stringify(p.body));
    const before = {
      pools: (await a0.api("GET", "/api/pools")).body.pools,
      sites: (await a0.api("GET", "/api/sites")).body.sites,
    };
    await a0.kill();
    for (const f of ["agent.kv", "agent.kv-wal", "agent.kv-shm"]) {
      await Deno.remove(`${cwd}/dev-data/${f}`).catch(() => {});
    }

    const a1 = await spawnAgent(e);
    try {
      // it says so, and nginx keeps serving every site
      assert.match(
        a1.stdout(),
        /warning: the state is empty while generation \d+ on disk holds 21 record\(s\).*agent rebuild-db/,
      );
      const st = (await a1.api("GET", "/api/config/status")).body;
      assert.match(st.resilience.hold, /agent rebuild-db/);
      assert.equal(st.pending_count, 21);
      assert.equal((await a1.api("GET", "/api/health")).body.status, "degraded");
      for (const n of [names[0], names[19]]) {
        assert.equal(
          (await rawRequest({ port: e.httpPort, host: `${n}.test`, path: "/api/x" })).text,
          "be /x",
        );
      }
      const reloads = st.nginx.reloads;

      const dry = await agentCli(e, ["rebuild-db", "--dry-run"]);
      assert.equal(dry.code, 0, dry.err);
      assert.match(
        dry.out,
        /would rebuild the state from generation \d+ .*dry run, nothing written/,
      );
      assert.match(dry.out, new RegExp(`site +20: ${names.join(", ")}\n`));
      assert.match(dry.out, /pool +1: web\n/);
      assert.equal(
        (await a1.api("GET", "/api/sites")).body.sites.length,
        0,
        "a dry run writes nothing",
      );

      const real = await agentCli(e, ["rebuild-db"]);
      assert.equal(real.code, 0, real.err);
      assert.match(real.out, /wrote 21 record\(s\)/);
      assert.match(real.out, /the next apply is a no-op/);
      const sites = (await a1.api("GET", "/api/sites")).body.sites;
      const pools = (await a1.api("GET", "/api/pools")).body.pools;
      assert.deepEqual(sites, before.sites, "the same records, versions and times included");
      assert.deepEqual(pools, before.pools);
      for (const s of sites) {
        assert.ok(sameRecord(s, before.sites.find((b: { name: string }) => b.name === s.name)));
      }

      const apply = await agentCli(e, ["apply", "--json"]);
      assert.equal(apply.code, 0, apply.err);
      assert.equal(JSON.parse(apply.out).status, "unchanged");
      const after = (await a1.api("GET", "/api/config/status")).body;
      assert.equal(after.nginx.reloads, reloads, "rebuild and the next apply reloaded nothing");
      assert.equal(after.pending_count, 0);
      assert.equal(after.resilience.hold, null);

      const again = await agentCli(e, ["rebuild-db"]);
      assert.equal(again.code, 1);
      assert.match(again.err, /CONFLICT: the state already holds 21 record\(s\).*--force/);
    } finally {
      await a1.stop();
    }
  } finally {
    await stopNginx(e);
    await be.close();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});

Deno.test("a corrupted KV file is moved aside, the agent starts on hold and says so, rebuild-from-disk restores the state", async () => {
  const be = httpBackend("be");
  let t = await startTestAgent({ features: FEATURES });
  const { dir, httpPort } = t;
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    await t.api("PUT", "/api/sites/a", { server_names: ["a.test"], default_pool: "web" });
    await t.api("PUT", "/api/sites/b", { server_names: ["b.test"], default_pool: "web" });
    const want = (await t.api("GET", "/api/sites")).body.sites;
    await t.close();
    const kv = `${dir}/data/agent.kv`;
    const bytes = await Deno.readFile(kv);
    bytes.set(new TextEncoder().encode("this is not a sqlite file, it was overwritten"), 0);
    await Deno.writeFile(kv, bytes);

    t = await startTestAgent({ features: FEATURES, dir, httpPort });
    const w = t.agent.rt.warnings.join("\n");
    assert.match(
      w,
      /the state file was corrupted \(file is not a database\): it was moved to \S+agent\.kv\.corrupt-/,
    );
    assert.match(w, /the state is empty while generation \d+ on disk holds 3 record\(s\)/);
    const aside = [...Deno.readDirSync(`${dir}/data`)].map((x) => x.name).filter((n) =>
      n.startsWith("agent.kv.corrupt-")
    );
    assert.equal(aside.length, 1);
    assert.equal(
      (await t.viaNginx("a.test", "/")).text,
      "be /",
      "nginx still serves the last generation",
    );

    // a change while the state is lost is refused before it is stored, or reaches nginx
    const put = await t.api("PUT", "/api/pools/other", { members: [] });
    assert.equal(put.status, 409, JSON.stringify(put.body));
    assert.match(put.body.error.message, /the state is empty while generation/);
    assert.equal((await t.api("GET", "/api/pools/other")).status, 404);
    assert.equal((await t.viaNginx("b.test", "/")).text, "be /");

    // so the state is still empty, and the plain rebuild the hold message recommends works
    const dry = await t.api("POST", "/api/config/rebuild-from-disk?dry_run=true");
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.body.kinds, {
      pool: { count: 1, names: ["web"] },
      site: { count: 2, names: ["a", "b"] },
    });
    assert.match(
      dry.body.warnings.join("\n"),
      /the state file was corrupted .* moved to \S+agent\.kv\.corrupt-/,
    );
    const reloads = t.reloads();
    const r = await t.api("POST", "/api/config/rebuild-from-disk");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.removed, []);
    assert.deepEqual(r.body.next_apply, []);
    assert.deepEqual((await t.api("GET", "/api/sites")).body.sites, want);
    const apply = await t.api("POST", "/api/config/apply");
    assert.equal(apply.body.status, "unchanged");
    assert.equal(t.reloads(), reloads);
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("rebuild parses a hand-edited file back and says so; an unparsable edit keeps the sidecar's record", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ features: FEATURES });
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    await t.api("PUT", "/api/sites/a", { server_names: ["a.test"], default_pool: "web" });
    await t.api("PUT", "/api/sites/b", { server_names: ["b.test"], default_pool: "web" });
    const cur = `${t.settings.nginx_dir}/current`;
    const a = await Deno.readTextFile(`${cur}/site-a.conf`);
    await Deno.writeTextFile(
      `${cur}/site-a.conf`,
      a.replace("server_name a.test;", "server_name a.test www.a.test;"),
    );
    const b = await Deno.readTextFile(`${cur}/site-b.conf`);
    await Deno.writeTextFile(
      `${cur}/site-b.conf`,
      b.replace("server_tokens off;", "server_tokens off;\n    gzip on;"),
    );
    await Deno.writeTextFile(`${cur}/pool-web.meta.json`, "{ broken");
    const r = await t.api("POST", "/api/config/rebuild-from-disk?dry_run=true&force=true");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const edits = Object.fromEntries(
      r.body.hand_edits.map((h: { entity: string }) => [h.entity, h]),
    );
    assert.equal(edits["site/a"].parsed, true);
    assert.match(edits["site/a"].message, /parsed back \(fields changed: server_names\)/);
    assert.equal(edits["site/b"].parsed, false);
    assert.match(edits["site/b"].message, /site-b\.conf:\d+: cannot absorb "gzip on;"/);
    // the pool's sidecar is unreadable: named with the reason, and rebuilt from its nginx text
    assert.equal(r.body.unreadable[0].file, "pool-web.meta.json");
    assert.match(r.body.unreadable[0].reason, /JSON/);
    assert.equal(edits["pool/web"].parsed, true);
    assert.deepEqual(r.body.kinds.site.names, ["a", "b"]);
    // a dry run writes nothing
    assert.deepEqual((await t.api("GET", "/api/sites/a")).body.server_names, ["a.test"]);

    const real = await t.api("POST", "/api/config/rebuild-from-disk?force=true");
    assert.equal(real.status, 200);
    assert.deepEqual((await t.api("GET", "/api/sites/a")).body.server_names, [
      "a.test",
      "www.a.test",
    ]);
    assert.deepEqual(real.body.next_apply, [{ id: "site/a", action: "update" }]);
  } finally {
    await t.close();
    await be.close();
  }
});
