// The references `deno task bench` measures the agent against, in the same run on
// the same tree: the raw floor (write the same files by hand, `nginx -t`, then
// `kill -HUP`: what any careful script pays, two full parses per change) and
// Caddy's `POST /load` with the same routes (only when `caddy` is installed,
// Debian package `caddy`). Not a test: it returns figures.
import { freePort, tempDir } from "../tests/helpers/agent.ts";
import { rawRequest } from "../tests/helpers/http.ts";
import { privateNginxConf } from "../agent/nginx/private.ts";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The pause before each sequential change, for the agent and the references alike.
 * nginx's master ignores a reload signal for 100 ms after it forks new workers (it
 * sleeps, then stops the old ones), so a change sent sooner measured that sleep, not
 * the change; the bursts measure changes back to back.
 */
export const BETWEEN_CHANGES_MS = 150;

/** Polls until `host` answers 200 on `port`; returns the time it did. */
export async function firstOk(port: number, host: string, deadline: number): Promise<number> {
  while (performance.now() < deadline) {
    try {
      const r = await rawRequest({ port, host, path: "/", timeoutMs: 5000 });
      if (r.status === 200) return performance.now();
    } catch { /* reloading: retry */ }
    await sleep(2);
  }
  throw new Error(`${host} never answered 200 on ${port}`);
}

export interface RefFigures {
  /** PUT (file written) -> first 200, per change */
  live: number[];
  /** one `nginx -t` of the whole tree, per change */
  test: number[];
  /** 100 changes written at once -> all answer */
  burst: number;
}

/**
 * The raw floor on a copy of the agent's live tree (`confs`: name -> text, the
 * agent's HTTP port rewritten to a port of its own); `site(k)` is the text of
 * the k-th new site, named `host(k)`.
 */
export async function rawFloor(
  confs: Map<string, string>,
  agentPort: number,
  site: (k: number, host: string) => string,
  puts: number,
  burst: number,
): Promise<RefFigures> {
  const dir = await tempDir("floor");
  const port = freePort();
  const o = {
    nginx_bin: "nginx",
    prefix: dir,
    nginx_conf: `${dir}/nginx.conf`,
    nginx_dir: `${dir}/managed`,
    nginx_pid_file: `${dir}/logs/nginx.pid`,
    http_port: freePort(),
    bind_address: "127.0.0.1",
  };
  for (const d of ["logs", "tmp", "managed/current"]) {
    await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  }
  await Deno.writeTextFile(o.nginx_conf, privateNginxConf(o));
  const live = `${o.nginx_dir}/current`;
  const swapPort = (t: string) => t.replace(new RegExp(`:${agentPort}(?=[;\\s])`, "g"), `:${port}`);
  await Promise.all(
    [...confs].map(([n, t]) => Deno.writeTextFile(`${live}/${n}`, swapPort(t))),
  );
  const nginx = (args: string[]) =>
    new Deno.Command("nginx", { args: ["-p", dir, "-c", o.nginx_conf, ...args], stderr: "piped" })
      .output();
  const started = await nginx([]);
  if (!started.success) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new Error(new TextDecoder().decode(started.stderr));
  }
  const pid = Number((await Deno.readTextFile(o.nginx_pid_file)).trim());
  const out: RefFigures = { live: [], test: [], burst: 0 };
  const apply = async (ks: number[]) => {
    await Promise.all(
      ks.map((k) => Deno.writeTextFile(`${live}/site-floor${k}.conf`, swapPort(site(k, host(k))))),
    );
    const t0 = performance.now();
    const t = await nginx(["-t"]);
    out.test.push(performance.now() - t0);
    if (!t.success) throw new Error(new TextDecoder().decode(t.stderr));
    Deno.kill(pid, "SIGHUP");
  };
  const host = (k: number) => `floor${k}.bench`;
  try {
    for (let k = 0; k < puts; k++) {
      await sleep(BETWEEN_CHANGES_MS);
      const s = performance.now();
      await apply([k]);
      out.live.push((await firstOk(port, host(k), s + 60_000)) - s);
    }
    const ks = Array.from({ length: burst }, (_, j) => puts + j);
    const s = performance.now();
    await apply(ks);
    for (const k of ks) await firstOk(port, host(k), s + 60_000);
    out.burst = performance.now() - s;
    out.test.pop();
    return out;
  } finally {
    try {
      Deno.kill(pid, "SIGQUIT");
    } catch { /* gone */ }
    await sleep(200);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

export function caddyInstalled(): boolean {
  try {
    return new Deno.Command("caddy", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Caddy with n sites (host -> backend, /api/ stripped to the same backend), then new ones by POST /load. */
export async function caddyRef(
  n: number,
  backend: string,
  puts: number,
  burst: number,
): Promise<RefFigures> {
  const dir = await tempDir("caddy");
  const admin = freePort();
  const port = freePort();
  const env = { HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
  const child = new Deno.Command("caddy", {
    args: ["run", "--config", `${dir}/boot.json`],
    env,
    stdout: "null",
    stderr: "null",
  });
  await Deno.writeTextFile(
    `${dir}/boot.json`,
    JSON.stringify({ admin: { listen: `127.0.0.1:${admin}` } }),
  );
  const proc = child.spawn();
  const route = (host: string) => ({
    match: [{ host: [host] }],
    handle: [{
      handler: "subroute",
      routes: [
        {
          match: [{ path: ["/api/*"] }],
          handle: [
            { handler: "rewrite", strip_path_prefix: "/api" },
            { handler: "reverse_proxy", upstreams: [{ dial: backend }] },
          ],
        },
        { handle: [{ handler: "reverse_proxy", upstreams: [{ dial: backend }] }] },
      ],
    }],
    terminal: true,
  });
  const hosts = Array.from({ length: n }, (_, i) => `s${i}.bench`);
  const load = async () => {
    const body = JSON.stringify({
      admin: { listen: `127.0.0.1:${admin}` },
      apps: {
        http: {
          servers: {
            bench: {
              listen: [`127.0.0.1:${port}`],
              automatic_https: { disable: true },
              routes: hosts.map(route),
            },
          },
        },
      },
    });
    const r = await fetch(`http://127.0.0.1:${admin}/load`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await r.body?.cancel();
    if (!r.ok) throw new Error(`caddy /load: ${r.status}`);
  };
  try {
    for (let i = 0; i < 200; i++) {
      try {
        await (await fetch(`http://127.0.0.1:${admin}/config/`)).body?.cancel();
        break;
      } catch {
        await sleep(25);
      }
    }
    await load();
    const out: RefFigures = { live: [], test: [], burst: 0 };
    for (let k = 0; k < puts; k++) {
      const host = `caddy${k}.bench`;
      hosts.push(host);
      await sleep(BETWEEN_CHANGES_MS);
      const s = performance.now();
      await load();
      out.live.push((await firstOk(port, host, s + 60_000)) - s);
    }
    const s = performance.now();
    const burstHosts = Array.from({ length: burst }, (_, j) => `caddyb${j}.bench`);
    hosts.push(...burstHosts);
    await load();
    for (const h of burstHosts) await firstOk(port, h, s + 60_000);
    out.burst = performance.now() - s;
    return out;
  } finally {
    try {
      proc.kill("SIGTERM");
    } catch { /* gone */ }
    await proc.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
