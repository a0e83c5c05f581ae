// Issue 17 item 8: every CLI command exits non-zero on failure (`agent validate`
// exited 0 when nginx -t failed), and a second `agent serve` on a data directory
// in use says which process holds it.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { agentCli, devEnv, MAIN, spawnAgent } from "../helpers/proc.ts";

Deno.test("agent validate exits 1 when nginx -t fails; a second serve names the holder", async () => {
  const e = devEnv(await tempDir("exit"), { AGENT_APPLY_MODE: "manual" });
  const a = await spawnAgent(e);
  try {
    // Manual mode stores the change as pending without testing it.
    const put = await a.api("PUT", "/api/sites/s", {
      server_names: ["s.test"],
      extra_blocks: [{ zone: "top", content: "proxy_buffers 8;" }],
    });
    assert.ok(put.status < 300, JSON.stringify(put.body));
    const v = await agentCli(e, ["validate"]);
    assert.equal(v.code, 1, `agent validate: ${v.out}${v.err}`);
    assert.match(v.out, /"ok": false/);
    const cv = await agentCli(e, ["config", "validate"]);
    assert.equal(cv.code, 1, cv.out + cv.err);

    // A second serve on the same data directory (another API port).
    const second = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "serve", "--dev", "--listen", "127.0.0.1:1"],
      cwd: e.cwd,
      env: e.env,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).output();
    const err = new TextDecoder().decode(second.stderr);
    assert.notEqual(second.code, 0, err);
    assert.match(err, new RegExp(`in use by pid ${a.child.pid} \\(.*serve`), err);
  } finally {
    await a.stop();
  }
});
