// Reload-free upstreams (lua_upstreams) through a real nginx with Debian's Lua
// module (scripts/install-test-deps.sh): member changes are live on the next
// request with no reload and the same workers, the pool's file never changes,
// nginx's memory survives reloads and cold starts, and users still get no Lua.
import assert from "node:assert/strict";
import { freePort, startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { type Backend, httpBackend } from "../helpers/backends.ts";
import { startPrivateNginx, stopPrivateNginx } from "../../agent/nginx/private.ts";
import { LUA_PATH } from "../../agent/render/lua-upstreams.ts";

async function luaAgent(overrides: Record<string, unknown> = {}): Promise<TestAgent> {
  return await startTestAgent({
    overrides: {
      lua_upstreams: "on",
      lua_upstreams_port: freePort(),
      drift_interval: 0,
      backup_interval: 0,
      ...overrides,
    },
  });
}

/** Who answers `n` requests to web.test, counted by backend name. */
async function answers(t: TestAgent, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await t.viaNginx("web.test", "/");
    const who = r.status === 200 ? r.text.split(" ")[0] : String(r.status);
    out[who] = (out[who] ?? 0) + 1;
  }
  return out;
}

const workerPids = async (t: TestAgent) =>
  (await t.agent.rt.nginx.workers()).map((w) => w.pid).sort();
const poolFile = (t: TestAgent) =>
  Deno.readTextFile(`${t.settings.nginx_dir}/current/pool-web.conf`);

async function rig(t: TestAgent, backends: Backend[]) {
  const pool = await t.api("PUT", "/api/pools/web", {
    members: backends.slice(0, 2).map((b) => ({ address: b.address })),
  });
  assert.equal(pool.status, 201, JSON.stringify(pool.body));
  const site = await t.api("PUT", "/api/sites/web", {
    server_names: ["web.test"],
    default_pool: "web",
  });
  assert.equal(site.status, 201, JSON.stringify(site.body));
}

Deno.test("lua_upstreams on: down, weight and a new member are live at once, with no reload", async () => {
  const backends = ["b0", "b1", "b2"].map((n) => httpBackend(n));
  const t = await luaAgent();
  try {
    await rig(t, backends);
    const status = (await t.api("GET", "/api/config/status")).body.nginx.lua_upstreams;
    assert.equal(status.active, true, JSON.stringify(status));
    assert.equal(status.setting, "on");
    const file = await poolFile(t);
    assert.match(
      file,
      /server 0\.0\.0\.1;\n\s+balancer_by_lua_block \{ switchyard\.balance\("web"\); \}/,
    );
    assert.ok(!file.includes(backends[0].address), "the members are not in the file");
    assert.deepEqual(await answers(t, 4), { b0: 2, b1: 2 });

    const reloads = t.reloads();
    const pids = await workerPids(t);
    const [a0, a1, a2] = backends.map((b) => encodeURIComponent(b.address));
    const down = await t.api("PUT", `/api/pools/web/members/${a1}`, { down: true });
    assert.equal(down.status, 200, JSON.stringify(down.body));
    assert.equal(down.body.apply.reloaded, false);
    assert.deepEqual(await answers(t, 4), { b0: 4 });

    await t.api("PUT", `/api/pools/web/members/${a1}`, { down: false, weight: 1 });
    await t.api("PUT", `/api/pools/web/members/${a0}`, { weight: 3 });
    assert.deepEqual(await answers(t, 8), { b0: 6, b1: 2 });

    const added = await t.api("PUT", `/api/pools/web/members/${a2}`, {});
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal((await answers(t, 10)).b2, 2, "the new member takes its share at once");

    assert.equal(t.reloads(), reloads, "no reload");
    assert.deepEqual(await workerPids(t), pids, "the same workers serve");
    assert.equal(await poolFile(t), file, "the pool's file did not change");
    const back = await fetch(
      `http://127.0.0.1:${t.settings.lua_upstreams_port}${LUA_PATH}?pools=web`,
    );
    assert.equal(
      (await back.text()).trim(),
      `web 3,1,10,,${backends[0].address} 1,1,10,,${backends[1].address} 1,1,10,,${
        backends[2].address
      }`,
    );
    const after = (await t.api("GET", "/api/config/status")).body.nginx.lua_upstreams;
    assert.ok(after.early >= 4, JSON.stringify(after));
  } finally {
    await t.close();
    for (const b of backends) await b.close();
  }
});

Deno.test("lua_upstreams: members survive a reload and a cold start of nginx (the seed file)", async () => {
  const backends = ["b0", "b1"].map((n) => httpBackend(n));
  const t = await luaAgent();
  try {
    await rig(t, backends);
    await t.api("PUT", `/api/pools/web/members/${encodeURIComponent(backends[0].address)}`, {
      down: true,
    });
    assert.equal((await t.api("POST", "/api/config/reload")).status, 200);
    assert.deepEqual(await answers(t, 3), { b1: 3 });
    // nginx restarted while the agent does nothing: it seeds itself from the agent's file.
    await stopPrivateNginx(t.agent.rt.privateNginx!, t.agent.rt.exec);
    await startPrivateNginx(t.agent.rt.privateNginx!, t.agent.rt.exec);
    assert.deepEqual(await answers(t, 3), { b1: 3 });
    // A pool that is no longer balanced (least_conn) renders its members, through a reload.
    const before = t.reloads();
    const lc = await t.api("PUT", "/api/pools/web", {
      lb_method: "least_conn",
      members: backends.map((b) => ({ address: b.address })),
    });
    assert.equal(lc.body.apply.reloaded, true);
    assert.equal(t.reloads(), before + 1);
    assert.match(await poolFile(t), new RegExp(`server ${backends[1].address};`));
    assert.equal(Object.keys(await answers(t, 4)).sort().join(), "b0,b1");
  } finally {
    await t.close();
    for (const b of backends) await b.close();
  }
});

Deno.test("lua_upstreams off renders members as today; auto is on here; users never get *_by_lua*", async () => {
  const off = await startTestAgent({ overrides: { drift_interval: 0, backup_interval: 0 } });
  const b = httpBackend("b0");
  try {
    await off.api("PUT", "/api/pools/web", { members: [{ address: b.address }] });
    assert.match(await poolFile(off), new RegExp(`server ${b.address};`));
    const s = (await off.api("GET", "/api/config/status")).body.nginx.lua_upstreams;
    assert.deepEqual(s, { setting: "off", active: false, reason: "lua_upstreams is off" });
  } finally {
    await off.close();
    await b.close();
  }
  // auto: the private nginx.conf loads the module, so the mode is on.
  const t = await luaAgent({
    lua_upstreams: "auto",
    raw_directives_allow: "balancer_by_lua_block, content_by_lua_block",
  });
  try {
    const auto = (await t.api("GET", "/api/config/status")).body.nginx.lua_upstreams;
    assert.equal(auto.active, true, JSON.stringify(auto));
    assert.match(
      await Deno.readTextFile(t.settings.nginx_conf),
      /^load_module \/\S+\/ndk_http_module\.so;\nload_module \/\S+\/ngx_http_lua_module\.so;$/m,
    );
    for (const content of ["content_by_lua_block { ngx.say(1) }", "balancer_by_lua_block { }"]) {
      const r = await t.api("PUT", "/api/sites/evil", {
        server_names: ["evil.test"],
        extra_blocks: [{ zone: "top", content }],
      });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.message, /is not allowed/);
    }
    assert.equal((await t.api("GET", "/api/sites/evil")).status, 404);
  } finally {
    await t.close();
  }
});
