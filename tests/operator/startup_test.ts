// `agent serve` start-up as an operator sees it: a taken listen address is named
// with its owner and nothing is left running; production output carries no key.
import assert from "node:assert/strict";
import { freePort, requireNginx, tempDir } from "../helpers/agent.ts";
import { devEnv, MAIN, nginxPid, stopNginx } from "../helpers/proc.ts";

const deno = Deno.execPath();

async function runServe(cwd: string, args: string[], env: Record<string, string>, ms = 60_000) {
  const child = new Deno.Command(deno, {
    args: ["run", "-A", MAIN, "serve", ...args],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  const r = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("serve --dev on a taken listen address names the owner, exits 1 and starts no nginx", async () => {
  requireNginx();
  const cwd = await tempDir("taken");
  const e = devEnv(cwd);
  const taken = Deno.listen({ hostname: "127.0.0.1", port: e.apiPort });
  try {
    const r = await runServe(cwd, ["--dev"], e.env);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.err,
      new RegExp(
        `listen 127\\.0\\.0\\.1:${e.apiPort} is already in use \\(by deno pid ${Deno.pid}\\)`,
      ),
    );
    assert.doesNotMatch(r.err, /INTERNAL/);
    assert.equal(nginxPid(e), null, "a private nginx was left running");
  } finally {
    taken.close();
    await stopNginx(e).catch(() => {});
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});

Deno.test("production serve prints where the API key is, never the key", async () => {
  const cwd = await tempDir("prodkey");
  const apiPort = freePort();
  const env: Record<string, string> = {
    AGENT_CONFIG: `${cwd}/config.toml`,
    AGENT_LISTEN: `127.0.0.1:${apiPort}`,
    AGENT_DATA_DIR: `${cwd}/data`,
    AGENT_TEMPLATE_DIR: `${cwd}/templates`,
    AGENT_NGINX_DIR: `${cwd}/nginx`,
    // No nginx binary: production paths of the host are never touched (dry-run).
    AGENT_NGINX_BIN: `${cwd}/no-nginx`,
    AGENT_BACKUP_INTERVAL: "0",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  };
  const child = new Deno.Command(deno, {
    args: ["run", "-A", MAIN, "serve"],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  try {
    const deadline = Date.now() + 60_000;
    let up = false;
    while (!up && Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${apiPort}/api/health`).then(async (r) => {
        await r.body?.cancel();
        return r.ok;
      }, () => false);
      up = ok;
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(up, "the agent did not answer /api/health");
    child.kill("SIGTERM");
    const r = await child.output();
    const dec = new TextDecoder();
    const out = dec.decode(r.stdout) + dec.decode(r.stderr);
    const key = (await Deno.readTextFile(`${cwd}/data/api-key`)).trim();
    assert.ok(key.length >= 32);
    assert.ok(!out.includes(key), `the key was printed:\n${out}`);
    assert.match(out, new RegExp(`API key: +in ${cwd}/data/api-key \\(not printed\\)`));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});
