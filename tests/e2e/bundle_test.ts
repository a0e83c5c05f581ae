// The bundled program carries everything (templates, UI, defaults): copied
// alone into an empty directory it runs `version` and serves /api/health in dev
// mode, with its private nginx.
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";

const deno = Deno.execPath();
const root = new URL("../../", import.meta.url).pathname;

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await new Deno.Command(deno, { args, cwd, env, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("deno task bundle output runs from an empty directory: version and dev-mode /api/health", async () => {
  // Exactly the `bundle` task of deno.json, with its output redirected to a temp dir.
  const task: string = JSON.parse(await Deno.readTextFile(`${root}deno.json`)).tasks.bundle;
  const argv = task.split(/\s+/);
  assert.equal(argv[0], "deno");
  const o = argv.indexOf("-o");
  assert.ok(o > 0, `the bundle task must name its output with -o: ${task}`);
  const out = await tempDir("bundle");
  argv[o + 1] = `${out}/build/agent.js`;
  const built = await run(argv.slice(1), root);
  assert.equal(built.code, 0, built.err);
  const empty = await tempDir("empty");
  await Deno.copyFile(`${out}/build/agent.js`, `${empty}/agent.js`);
  assert.deepEqual([...Deno.readDirSync(empty)].map((e) => e.name), ["agent.js"]);

  const v = await run(["run", "-A", "--unstable-kv", "agent.js", "version"], empty);
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /^agent \d+\.\d+\.\d+/);

  const api = freePort();
  const http = freePort();
  const child = new Deno.Command(deno, {
    args: [
      "run",
      "-A",
      "--unstable-kv",
      "agent.js",
      "serve",
      "--dev",
      "--listen",
      `127.0.0.1:${api}`,
    ],
    cwd: empty,
    env: { AGENT_DEV_HTTP_PORT: String(http), AGENT_DEV_HTTPS_PORT: String(freePort()) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    let health: Record<string, unknown> | null = null;
    for (let i = 0; i < 150 && !health; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${api}/api/health`);
        if (r.ok) health = await r.json();
        else await r.body?.cancel();
      } catch {
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    assert.ok(health, "the bundled agent did not answer /api/health within 15 s");
    assert.equal(health.status, "ok");
    assert.equal(health.dev, true);
    assert.equal((health.nginx as { running: boolean }).running, true);
    // the private nginx it started answers on the dev HTTP port
    const welcome = await fetch(`http://127.0.0.1:${http}/`);
    assert.match(await welcome.text(), /Switchyard dev nginx is running/);
    assert.ok((await Deno.stat(`${empty}/dev-data/agent.kv`)).isFile);
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    const dec = new TextDecoder();
    const stdout = dec.decode(
      await new Response(child.stdout).arrayBuffer().catch(() => new ArrayBuffer(0)),
    );
    assert.equal(status.code, 0, stdout);
  }
  // a clean shutdown stops the private nginx it owns
  const pidFile = `${empty}/dev-data/nginx/logs/nginx.pid`;
  const stillThere = await Deno.stat(pidFile).then(() => true, () => false);
  assert.equal(stillThere, false, "private nginx pid file left behind after shutdown");
});
