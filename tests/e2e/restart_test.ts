// `agent serve` across restarts: settings changed while it was stopped go live
// at start, and a SIGTERM that arrives while it starts stops what it started.
import assert from "node:assert/strict";
import { freePort, requireNginx, tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { devEnv, MAIN, nginxPid, spawnAgent, stopNginx } from "../helpers/proc.ts";

async function until<T>(what: string, fn: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms (${last})`);
}

Deno.test("a port changed while the agent was stopped is served after the restart", async () => {
  requireNginx();
  const cwd = await tempDir("restart");
  const e = devEnv(cwd);
  const be = httpBackend("be");
  let agent = await spawnAgent(e);
  try {
    assert.equal(
      (await agent.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const site = await agent.api("PUT", "/api/sites/app", {
      server_names: ["app.test"],
      default_pool: "web",
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const before = await rawRequest({ port: e.httpPort, host: "app.test", path: "/x" });
    assert.equal(before.text, "be /x");
    await agent.stop();

    const newPort = freePort();
    e.env.AGENT_DEV_HTTP_PORT = String(newPort);
    agent = await spawnAgent(e);
    const after = await until("the site on the new port", async () => {
      const r = await rawRequest({ port: newPort, host: "app.test", path: "/y" });
      return r.status === 200 ? r : null;
    });
    assert.equal(after.text, "be /y");
    // The old port now only has the private nginx's welcome server (its nginx.conf
    // is the operator's to edit and keeps the port it was created with).
    const old = await until("the old port without the site", async () => {
      const r = await rawRequest({ port: e.httpPort, host: "app.test", timeoutMs: 2000 });
      return r.text.startsWith("be ") ? null : r;
    });
    assert.match(old.text, /Switchyard dev nginx is running/);
  } finally {
    await agent.stop();
    await stopNginx(e);
    await be.close();
  }
});

Deno.test("SIGTERM while the agent starts: it exits and leaves no private nginx behind", async () => {
  requireNginx();
  const cwd = await tempDir("sigterm");
  const e = devEnv(cwd);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--dev"],
    cwd,
    env: e.env,
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    // As soon as the private nginx runs (before the API answers), stop the agent.
    const pid = await until("the private nginx", () => Promise.resolve(nginxPid(e)), 60_000);
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0, `exit ${status.code}: ${await stderr}`);
    assert.equal(nginxPid(e), null, `nginx ${pid} still runs`);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await stopNginx(e);
  }
});
