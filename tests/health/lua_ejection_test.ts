// Health-check ejections with reload-free upstreams (lua_upstreams): the dead
// member is set down in nginx's memory, with no reload and the same workers,
// the pool's file unchanged; it comes back the same way.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { freePort, type TestAgent } from "../helpers/agent.ts";
import { LUA_PATH } from "../../agent/render/lua-upstreams.ts";
import { liveUpstream, poolRig, statusOf, waitFor } from "./helpers.ts";

/** The balancer's flags of a member as nginx holds them ("d": down), null when absent. */
async function flagsOf(t: TestAgent, address: string): Promise<string | null> {
  const r = await fetch(`http://127.0.0.1:${t.settings.lua_upstreams_port}${LUA_PATH}?pools=web`);
  const line = (await r.text()).trim();
  const entry = line.split(" ").slice(1).find((e) => e.endsWith(`,${address}`));
  return entry ? entry.split(",")[3] : null;
}

const pids = async (t: TestAgent) => (await t.agent.rt.nginx.workers()).map((w) => w.pid).sort();

Deno.test("lua_upstreams: an ejection and the member's return take effect without a reload", async () => {
  const rig = await poolRig(3, {
    overrides: { lua_upstreams: "on", lua_upstreams_port: freePort() },
  });
  const { t, backends } = rig;
  try {
    await waitFor("all healthy", async () => {
      for (const b of backends) if (await statusOf(t, b.address) !== "healthy") return false;
      return true;
    });
    const reloads = t.reloads();
    const workers = await pids(t);
    const file = await liveUpstream(t);
    const [victim] = backends;
    await victim.close();
    await waitFor("ejection live in nginx", async () => (await flagsOf(t, victim.address)) === "d");
    assert.equal(await statusOf(t, victim.address), "ejected");
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await t.viaNginx("web.test", `/p${i}`, { headers: { connection: "close" } });
      assert.equal(r.status, 200, `request ${i}: ${r.status} ${r.text}`);
      seen.add(r.text.split(" ")[0]);
    }
    assert.deepEqual([...seen].sort(), ["b1", "b2"]);

    backends[0] = httpBackend("b0", { port: victim.port });
    await waitFor("member back in nginx", async () => (await flagsOf(t, victim.address)) === "");
    const seen2 = new Set<string>();
    for (let i = 0; i < 12; i++) {
      seen2.add((await t.viaNginx("web.test", `/q${i}`)).text.split(" ")[0]);
    }
    assert.ok(seen2.has("b0"), [...seen2].join(","));

    assert.equal(t.reloads(), reloads, "no reload");
    assert.deepEqual(await pids(t), workers, "the same workers serve");
    assert.equal(await liveUpstream(t), file, "the pool's file did not change");
  } finally {
    await rig.close();
  }
});
