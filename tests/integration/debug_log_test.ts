// log_level = "debug" logs every command the agent runs, with its duration and
// exit status, and never a secret (settings marked secret are masked, env values
// are never printed, only their names); at "info" there are no such lines.
import assert from "node:assert/strict";
import { startTestAgent, tempDir } from "../helpers/agent.ts";
import { devEnv, spawnAgent, stopNginx } from "../helpers/proc.ts";

const NGINX_T = /exec: \S*nginx .*-t -c \S+ -> exit 0 in \d+ ms/;

async function applyWith(logLevel: string, apiKey: string) {
  const lines: string[] = [];
  const t = await startTestAgent({
    overrides: { log_level: logLevel, api_key: apiKey },
    log: (m) => lines.push(m),
  });
  try {
    const r = await t.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:9" }] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.apply.status, "applied");
    // a command with a secret as an argument and a value in its environment
    const x = await t.agent.rt.exec.run(["sh", "-c", "exit 3", "sh", `--key=${apiKey}`], {
      env: { SY_TOKEN: "token-value-never-logged" },
    });
    assert.equal(x.code, 3);
  } finally {
    await t.close();
  }
  return lines;
}

Deno.test("log_level debug logs each command with duration and exit status, secrets masked; info does not", async () => {
  const key = "debug-test-api-key-0123456789";
  const debug = await applyWith("debug", key);
  const all = debug.join("\n");
  assert.match(all, NGINX_T, all);
  assert.match(all, /exec: \S*nginx -v -> exit 0 in \d+ ms/, all);
  const sh = debug.find((l) => l.includes("exec: sh -c"));
  assert.ok(sh, all);
  assert.match(
    sh,
    /^debug: exec: sh -c 'exit 3' sh --key=\*\*\* \[env: SY_TOKEN\] -> exit 3 in \d+ ms$/,
  );
  assert.ok(!all.includes(key), "the API key (a secret setting) is never logged");
  assert.ok(!all.includes("token-value-never-logged"), "env values are never logged");

  const info = await applyWith("info", key);
  assert.ok(info.every((l) => !l.includes("exec:")), info.join("\n"));
});

Deno.test("agent serve with AGENT_LOG_LEVEL=debug prints the nginx -t command of an apply", async () => {
  const cwd = await tempDir("debuglog");
  const e = devEnv(cwd, { AGENT_LOG_LEVEL: "debug" });
  try {
    const a = await spawnAgent(e);
    try {
      const r = await a.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:9" }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.match(a.stderr(), NGINX_T, a.stderr());
    } finally {
      await a.stop();
    }
  } finally {
    await stopNginx(e);
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});
