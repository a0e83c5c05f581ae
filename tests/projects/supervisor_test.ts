// The builtin supervisor: a killed backend comes back within seconds while
// `check` reports the outage, backoff doubles for a backend that keeps dying,
// logs rotate, active projects start again with `agent serve`, and backends a
// killed agent left behind are stopped by the next one.
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";
import { isListening } from "../../agent/features/projects/ports.ts";
import { Supervisor } from "../../agent/features/projects/services/supervisor.ts";
import { RotatingLog } from "../../agent/features/projects/services/rotating-log.ts";
import { processStartTicks } from "../../agent/features/projects/services/manager.ts";
import { formatCheck } from "../../agent/features/projects/cli.ts";
import { startProjectsAgent, waitFor } from "./helpers.ts";

Deno.test("a killed backend is restarted within seconds, and check reports the outage while it lasts", async () => {
  const t = await startProjectsAgent();
  try {
    const port = freePort();
    const on = await t.api("PUT", "/api/projects/shop", { port });
    assert.equal(on.status, 201, JSON.stringify(on.body));
    const healthy = await t.api("POST", "/api/projects/check");
    assert.equal(healthy.body.ok, true, JSON.stringify(healthy.body.issues));
    assert.ok(formatCheck(healthy.body).includes("all well"));

    const pid = on.body.service.pid as number;
    const killedAt = performance.now();
    Deno.kill(pid, "SIGKILL");
    await waitFor("the port to close", async () => !(await isListening(port)), 3000);
    const down = await t.api("POST", "/api/projects/check");
    assert.equal(down.status, 200);
    assert.equal(down.body.ok, false);
    const p = down.body.projects[0];
    assert.equal(p.ok, false);
    assert.equal(p.service.ok, false);
    assert.equal(p.service.state, "restarting");
    assert.equal(p.service.detail.last_exit.signal, "SIGKILL");
    assert.equal(p.listening.ok, false);
    assert.equal(p.internal.ok, false);
    assert.equal(p.external.ok, false);
    assert.equal(p.external.status, 502, "nginx answers, the backend does not");
    assert.ok(down.body.issues.some((i: string) => /shop: service builtin: restarting/.test(i)));
    const health = await t.api("GET", "/api/health");
    assert.equal(health.body.status, "degraded");
    assert.deepEqual(health.body.projects.down, ["shop"]);
    const human = formatCheck(down.body).join("\n");
    assert.match(human, /shop\s+port \d+\s+builtin\s+FAIL/);
    assert.match(human, /internal: FAIL/);

    await waitFor("the backend to answer through nginx again", async () => {
      const r = await t.viaNginx("x", "/shop/");
      return r.status === 200 && r.text.includes("Hello world: shop");
    }, 10_000);
    const back = performance.now() - killedAt;
    assert.ok(back < 5000, `restarted after ${Math.round(back)} ms`);
    const again = await t.api("POST", "/api/projects/check");
    assert.equal(again.body.ok, true, JSON.stringify(again.body.issues));
    assert.equal(again.body.projects[0].service.detail.restarts, 1);
    assert.notEqual(again.body.projects[0].service.pid, pid);
    const log = await Deno.readTextFile(again.body.projects[0].service.detail.log_file);
    assert.match(log, /killed by SIGKILL/);
    assert.match(log, /restarting in 1000 ms/);
    assert.match(log, /shop: listening on 127\.0\.0\.1:\d+/); // the backend's own output
  } finally {
    await t.close();
  }
});

Deno.test("agent shutdown stops the backends; the next agent starts the active ones and applies changed settings", async () => {
  const t = await startProjectsAgent();
  const port = freePort();
  try {
    assert.equal((await t.api("PUT", "/api/projects/shop", { port })).status, 201);
    const idle = freePort();
    assert.equal(
      (await t.api("PUT", "/api/projects/idle", { port: idle, status: "inactive" })).status,
      201,
    );
  } finally {
    await t.close();
  }
  assert.equal(await isListening(port), false, "stopped with the agent");
  // Restarted with a changed projects setting: recorded, and the routes follow.
  const t2 = await startProjectsAgent({
    dir: t.dir,
    httpPort: t.httpPort,
    overrides: { projects_domain: "apps.example" },
  });
  try {
    await waitFor("shop to answer after the restart", async () => {
      const r = await t2.viaNginx("x", "/shop/");
      return r.status === 200 && r.text.includes("Hello world: shop");
    });
    const idle = await t2.api("GET", "/api/projects/idle");
    assert.equal(idle.body.service.state, "stopped", "inactive projects are not started");
    await waitFor("the new settings to be applied", async () => {
      const site = await Deno.readTextFile(`${t2.settings.nginx_dir}/current/site-projects.conf`);
      return site.includes("server_name apps.example;");
    });
    const audit = await t2.api("GET", "/api/audit?action=projects.settings");
    assert.equal(audit.body.entries[0].after.domain, "apps.example");
  } finally {
    await t2.close();
  }
});

Deno.test("a backend that keeps dying is restarted with a doubling backoff", async () => {
  const dir = await tempDir("sup");
  const sup = new Supervisor({
    logDir: `${dir}/logs`,
    runDir: `${dir}/run`,
    maxLogBytes: 1 << 20,
    keepLogs: 2,
    backoffMinMs: 100,
    backoffMaxMs: 400,
  });
  try {
    await Deno.writeTextFile(
      `${dir}/fail.py`,
      "import sys\nprint('dying', flush=True)\nsys.exit(3)\n",
    );
    await sup.start({ name: "bad", dir, command: "python3 fail.py", port: freePort() });
    await waitFor(
      "four restarts",
      async () => (await sup.status("bad")).detail.restarts as number >= 4,
    );
    const log = await Deno.readTextFile(sup.logFile("bad"));
    const delays = [...log.matchAll(/restarting in (\d+) ms/g)].map((m) => Number(m[1]));
    assert.deepEqual(delays.slice(0, 4), [100, 200, 400, 400]);
    assert.match(log, /exited with code 3/);
    assert.match(log, /dying/);
  } finally {
    await sup.stopAll();
    await Deno.remove(dir, { recursive: true });
  }
  const st = await sup.status("bad");
  assert.equal(st.state, "stopped");
});

Deno.test("backends left by a killed agent are stopped by the next supervisor (pid file + start time)", async () => {
  const dir = await tempDir("sup");
  const orphan = new Deno.Command("setsid", {
    args: ["sleep", "60"],
    stdout: "null",
    stderr: "null",
  })
    .spawn();
  try {
    await Deno.mkdir(`${dir}/run`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/run/old.json`,
      JSON.stringify({ pid: orphan.pid, start_ticks: await processStartTicks(orphan.pid) }),
    );
    // A pid file whose process is gone (or whose pid was reused) is only removed.
    await Deno.writeTextFile(
      `${dir}/run/gone.json`,
      JSON.stringify({ pid: Deno.pid, start_ticks: "1" }),
    );
    const sup = new Supervisor({
      logDir: `${dir}/logs`,
      runDir: `${dir}/run`,
      maxLogBytes: 4096,
      keepLogs: 1,
    });
    const reaped = await sup.reapOrphans();
    assert.deepEqual(reaped, [`old (pid ${orphan.pid})`]);
    const status = await orphan.status;
    assert.equal(status.signal, "SIGTERM");
    assert.deepEqual([...Deno.readDirSync(`${dir}/run`)], []);
  } finally {
    try {
      orphan.kill("SIGKILL");
    } catch { /* already gone */ }
    await orphan.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("project logs rotate by size and keep the configured number of files", async () => {
  const dir = await tempDir("log");
  try {
    const log = new RotatingLog(`${dir}/p.log`, 100, 2);
    for (let i = 0; i < 10; i++) log.write(`line ${i} ${"x".repeat(40)}\n`);
    await log.close();
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["p.log", "p.log.1", "p.log.2"]);
    for (const n of names) assert.ok((await Deno.stat(`${dir}/${n}`)).size <= 100, n);
    assert.match(await Deno.readTextFile(`${dir}/p.log`), /line 9 /);
    assert.match(await Deno.readTextFile(`${dir}/p.log.1`), /line 7 /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
