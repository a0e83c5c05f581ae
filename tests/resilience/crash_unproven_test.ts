// The window of the sandbox proof: between the swap and the reload's proof,
// `current` holds a tree only the sandbox proved. The agent is SIGKILLed there
// (AGENT_CRASH_AT=after-swap, the test hook in agent/nginx/deps.ts) with a
// change whose error shows only across entities, so the disk then fails
// `nginx -t`; the restarted agent must repair the disk before anything else.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { devEnv, diskPassesNginxT, spawnAgent, stopNginx } from "../helpers/proc.ts";

async function waitFor<T>(what: string, fn: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("crash between swap and proof: the next start swaps the unproven tree back and the disk passes nginx -t", async () => {
  const be = httpBackend("be");
  const cwd = await tempDir("unproven");
  const e = devEnv(cwd);
  try {
    const a0 = await spawnAgent(e);
    const listen = [{ port: e.httpPort, default_server: true }];
    assert.equal(
      (await a0.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const first = await a0.api("PUT", "/api/sites/first", {
      server_names: ["first.test"],
      default_pool: "web",
      listen,
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const gen = first.body.apply.generation;
    await a0.kill();

    const a1 = await spawnAgent(e, { AGENT_CRASH_AT: "after-swap" });
    const put = a1.api("PUT", "/api/sites/dup", {
      server_names: ["dup.test"],
      default_pool: "web",
      listen,
    }).then(() => "answered", () => "connection lost");
    const st = await a1.status;
    assert.equal(st.signal, "SIGKILL", a1.stderr());
    assert.equal(await put, "connection lost");
    // the window: the disk holds a tree only the sandbox proved, and it fails nginx -t
    assert.equal((await diskPassesNginxT(e)).ok, false);

    const a2 = await spawnAgent(e);
    try {
      const status = await waitFor("the startup apply", async () => {
        const s = (await a2.api("GET", "/api/config/status")).body;
        return s.pending_count === 0 ? s : null;
      });
      assert.ok(
        status.warnings.some((w: string) =>
          new RegExp(`never proven and fails nginx -t; back on generation ${gen}`).test(w)
        ),
        JSON.stringify(status.warnings),
      );
      const disk = await diskPassesNginxT(e);
      assert.ok(disk.ok, disk.output);
      const r = await rawRequest({ port: e.httpPort, host: "first.test", path: "/x" });
      assert.equal(r.text, "be /x");
      // the startup apply met the same change again and refused it alone
      assert.equal((await a2.api("GET", "/api/sites/dup")).status, 404);
    } finally {
      await a2.stop();
    }
  } finally {
    await stopNginx(e);
    await be.close();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});
