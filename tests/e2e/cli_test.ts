// The `agent` CLI as operators run it: help on every command, and changes that
// go to the running agent's API, or run in-process when no agent runs.
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";

const deno = Deno.execPath();
const main = new URL("../../main.ts", import.meta.url).pathname;

async function agent(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await new Deno.Command(deno, {
    args: ["run", "-A", main, ...args],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("CLI: help, --help on every command, usage errors exit 2", async () => {
  const cwd = await tempDir("cli");
  const help = await agent(["help"], cwd);
  assert.equal(help.code, 0);
  const names = [...help.out.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
  for (const n of ["serve", "version", "help", "pools", "sites", "apply", "status"]) {
    assert.ok(names.includes(n), n);
  }
  for (const n of names) {
    const r = await agent([n, "--help"], cwd);
    assert.equal(r.code, 0, `${n} --help: ${r.err}`);
    assert.match(r.out, new RegExp(`^usage: agent ${n}`), n);
  }
  const bad = await agent(["pools", "--bogus"], cwd);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown flag --bogus/);
  assert.equal((await agent(["nonsense"], cwd)).code, 2);
});

Deno.test("CLI: with no agent running, changes run in-process; with one running they go through its API", async () => {
  const cwd = await tempDir("cli");
  const be = httpBackend("be");
  const api = freePort();
  const http = freePort();
  const env = {
    AGENT_LISTEN: `127.0.0.1:${api}`,
    AGENT_DEV_HTTP_PORT: String(http),
    AGENT_DEV_HTTPS_PORT: String(freePort()),
  };
  try {
    const put = await agent(
      ["pools", "put", "web", JSON.stringify({ members: [{ address: be.address }] }), "--dev"],
      cwd,
      env,
    );
    assert.equal(put.code, 0, put.err);
    assert.equal(JSON.parse(put.out).version, 1);
    const bad = await agent(
      ["sites", "put", "x", '{"server_names":["BAD NAME"]}', "--dev"],
      cwd,
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.err, /VALIDATION_FAILED: server_names\[0\]/);

    const server = new Deno.Command(deno, {
      args: ["run", "-A", main, "serve", "--dev"],
      cwd,
      env,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      for (let i = 0; i < 100; i++) {
        try {
          await (await fetch(`http://127.0.0.1:${api}/api/health`)).body?.cancel();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const site = await agent(
        [
          "sites",
          "put",
          "web",
          JSON.stringify({ server_names: ["cli.test"], default_pool: "web" }),
          "--dev",
        ],
        cwd,
        env,
      );
      assert.equal(site.code, 0, site.err);
      assert.equal(JSON.parse(site.out).apply.status, "applied");
      const via = await rawRequest({ port: http, host: "cli.test", path: "/hello" });
      assert.equal(via.text, "be /hello");
      const audit = await agent(["api", "GET", "/api/audit?entity=site/web", "--dev"], cwd, env);
      assert.match(JSON.parse(audit.out).entries.at(-1).actor, /^api:cli-/);
      const status = await agent(["status", "--dev"], cwd, env);
      assert.equal(JSON.parse(status.out).pending_count, 0);
    } finally {
      server.kill("SIGTERM");
      await server.status;
      await server.stdout.cancel();
      await server.stderr.cancel();
    }
  } finally {
    await be.close();
  }
});
