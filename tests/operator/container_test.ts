// The container image, without a Docker engine (none runs on these machines):
// what the image runs is tested instead — its entrypoint script on the bundle
// it copies (`deno task bundle`), with the image's nginx.conf, in a temporary
// root. The agent is PID 1 there; here it is the process the script execs, and
// nginx must be its child, restarted when it exits, stopped with the agent.
import assert from "node:assert/strict";
import { freePort, requireNginx, tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";

const repo = new URL("../../", import.meta.url).pathname;

function ppid(pid: number): number {
  const st = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^PPid:\s+(\d+)/m.exec(st)![1]);
}

async function until<T>(what: string, fn: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

Deno.test({
  name: "image entrypoint: the bundled agent runs nginx as its child, restarts it, stops it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    requireNginx();
    const dir = await tempDir("image");
    const share = `${dir}/opt/switchyard`;
    const root = `${dir}/root`;
    await Deno.mkdir(share, { recursive: true });
    // The Dockerfile's COPY lines: the bundle, the nginx.conf template, the scripts.
    const dockerfile = await Deno.readTextFile(`${repo}Dockerfile`);
    for (const f of ["dist/agent.js", "docker/nginx.conf.in", "docker/entrypoint.sh"]) {
      assert.match(dockerfile, new RegExp(`^COPY ${f} `, "m"), `the image copies ${f}`);
    }
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--platform=deno", "main.ts", "-o", `${share}/agent.js`],
      cwd: repo,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(built.success, new TextDecoder().decode(built.stderr));
    await Deno.copyFile(`${repo}docker/nginx.conf.in`, `${share}/nginx.conf.in`);
    const api = freePort();
    const http = freePort();
    const be = httpBackend("be");
    const env = {
      SWITCHYARD_ROOT: root,
      SWITCHYARD_SHARE: share,
      AGENT_JS: `${share}/agent.js`,
      DENO: Deno.execPath(),
      AGENT_LISTEN: `127.0.0.1:${api}`,
      AGENT_HTTP_PORT: String(http),
      AGENT_HTTPS_PORT: String(freePort()),
      AGENT_BIND_ADDRESS: "127.0.0.1",
      AGENT_BACKUP_INTERVAL: "0",
      PATH: Deno.env.get("PATH") ?? "/usr/sbin:/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/root",
    };
    const child = new Deno.Command("sh", {
      args: [`${repo}docker/entrypoint.sh`],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    const status = child.status;
    let out = "";
    (async () => {
      for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) out += c;
    })();
    child.stdout.cancel();
    try {
      const health = await until("the agent's /api/health", async () => {
        const r = await fetch(`http://127.0.0.1:${api}/api/health`);
        const b = await r.json();
        return b.supervisor?.nginx_pid ? b : null;
      });
      const first = health.supervisor.nginx_pid as number;
      assert.equal(ppid(first), child.pid, "nginx is the agent's own child (exec kept the pid)");
      // as the image's HEALTHCHECK does (start period, retries): the first apply may still run
      const check = () =>
        new Deno.Command("sh", {
          args: [`${repo}docker/healthcheck.sh`],
          env: { AGENT_LISTEN: env.AGENT_LISTEN },
        }).output();
      let hc = await check();
      for (let i = 0; i < 20 && hc.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        hc = await check();
      }
      assert.equal(
        hc.code,
        0,
        `the image's HEALTHCHECK passes: ${new TextDecoder().decode(hc.stdout)}`,
      );

      const key = (await Deno.readTextFile(`${root}/var/lib/agent/api-key`)).trim();
      const call = (method: string, path: string, body: unknown) =>
        fetch(`http://127.0.0.1:${api}${path}`, {
          method,
          headers: { "x-agent-key": key, "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      assert.equal(
        (await call("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
        201,
      );
      const site = await call("PUT", "/api/sites/app", {
        server_names: ["app.test"],
        default_pool: "web",
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      assert.equal((await rawRequest({ port: http, host: "app.test", path: "/a" })).text, "be /a");

      // nginx exits: the supervisor starts it again and traffic comes back.
      Deno.kill(first, "SIGTERM");
      const second = await until("a restarted nginx", async () => {
        const b = await (await fetch(`http://127.0.0.1:${api}/api/health`)).json();
        const pid = b.supervisor?.nginx_pid;
        return pid && pid !== first ? { pid, restarts: b.supervisor.restarts } : null;
      });
      assert.ok(second.restarts >= 1);
      const back = await until("traffic after the restart", async () => {
        const r = await rawRequest({ port: http, host: "app.test", path: "/b", timeoutMs: 2000 });
        return r.text === "be /b" ? r : null;
      });
      assert.equal(back.status, 200);

      child.kill("SIGTERM");
      assert.equal((await status).code, 0, out);
      const gone = await until("nginx stopped with the agent", () => {
        try {
          Deno.kill(second.pid, "SIGCONT");
          return Promise.resolve(null);
        } catch {
          return Promise.resolve(true);
        }
      }, 20_000);
      assert.ok(gone);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
      await status;
      await be.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
