// `agent members` as operators run it (in-process: no agent is serving, so no
// probe ran yet and every member reads unknown until the job checks it).
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

const main = new URL("../../main.ts", import.meta.url).pathname;

async function agent(args: string[], cwd: string, env: Record<string, string>) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("CLI: agent members lists the probed members of every pool or of one", async () => {
  const cwd = await tempDir("cli");
  const be = httpBackend("be");
  const env = {
    AGENT_LISTEN: `127.0.0.1:${freePort()}`,
    AGENT_DEV_HTTP_PORT: String(freePort()),
    AGENT_DEV_HTTPS_PORT: String(freePort()),
  };
  try {
    const body = { members: [{ address: be.address }], health_check: { path: "/health" } };
    const put = await agent(["pools", "put", "web", JSON.stringify(body), "--dev"], cwd, env);
    assert.equal(put.code, 0, put.err);
    const all = await agent(["members", "--dev"], cwd, env);
    assert.equal(all.code, 0, all.err);
    assert.match(
      all.out,
      new RegExp(`^web  ${be.address.replaceAll(".", "\\.")}  unknown  -$`, "m"),
    );
    const one = await agent(["members", "web", "--dev", "--json"], cwd, env);
    assert.equal(one.code, 0, one.err);
    const j = JSON.parse(one.out);
    assert.equal(j.pool, "web");
    assert.equal(j.health_check.path, "/health");
    assert.equal(j.members[0].status, "unknown");
    const missing = await agent(["members", "nope", "--dev"], cwd, env);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /NOT_FOUND: no pool nope/);
  } finally {
    await be.close();
  }
});
