// reload_handoff against a real nginx: "early" (the default) has the agent tell
// the old workers to stop accepting as soon as nginx forked the new ones, instead
// of nginx's master doing it 100 ms later. nginx logs who sent a worker a signal
// (its master uses a channel instead), so the test reads that; the worker count
// shows the master respawned none.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { childProcesses } from "../../agent/nginx/control.ts";

const quitFrom = (log: string) =>
  [...log.matchAll(/signal 3 \(SIGQUIT\) received from (\d+)/g)].map((m) => Number(m[1]));

async function reloads(handoff: "early" | "nginx") {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { reload_handoff: handoff } });
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    const master = (await t.agent.rt.nginx.masterPid())!;
    const log0 = (await Deno.readTextFile(t.settings.nginx_error_log)).length;
    for (let i = 0; i < 4; i++) {
      const r = await t.api("PUT", `/api/sites/s${i}`, {
        server_names: [`s${i}.test`],
        default_pool: "web",
      });
      assert.equal(r.body.apply?.reloaded, true, JSON.stringify(r.body));
      // answered: no old worker accepts any more, so the change is served at once
      assert.equal((await t.viaNginx(`s${i}.test`, "/x")).text, "be /x");
    }
    // the old workers drain and exit; the private config runs one worker
    let workers: string[] = [];
    for (let k = 0; k < 100; k++) {
      workers = (await childProcesses(master)).map((w) => w.title);
      if (workers.length === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(workers, ["nginx: worker process"], "no worker respawned or left behind");
    const log = (await Deno.readTextFile(t.settings.nginx_error_log)).slice(log0);
    return { from: quitFrom(log), draining: log.match(/gracefully shutting down/g)?.length ?? 0 };
  } finally {
    await t.close();
    await be.close();
  }
}

Deno.test("reload_handoff early: the agent stops the old workers (nginx logs its pid), the master respawns none", async () => {
  const { from, draining } = await reloads("early");
  // SIGQUITs from this process (the agent runs in the test's process): one per old worker,
  // unless a loaded machine let the master's 100 ms pass first (then it was the master's)
  assert.ok(from.length >= 1 && from.every((p) => p === Deno.pid), JSON.stringify(from));
  assert.equal(draining, 4);
});

Deno.test("reload_handoff nginx: only nginx's master stops the old workers", async () => {
  // the master tells its workers over its channel, not by a signal: nothing is logged as sent
  const { from, draining } = await reloads("nginx");
  assert.deepEqual(from, []);
  assert.equal(draining, 4);
});
