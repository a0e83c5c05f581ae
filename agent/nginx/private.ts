// A private nginx owned by the agent: its own nginx.conf, pid, logs and temp
// paths under one prefix, listening on loopback. Dev mode runs one so a
// newcomer sees real traffic at once; tests run one per case.
import type { Exec } from "../exec.ts";
import { includeLine } from "./test-config.ts";

export interface PrivateNginxOptions {
  nginx_bin: string;
  prefix: string;
  nginx_conf: string;
  nginx_dir: string;
  nginx_pid_file: string;
  /** The welcome server answers on this port until a site claims it. */
  http_port: number;
  bind_address: string;
  /** Modules loaded in the main context (absolute paths): reload-free upstreams' Lua module. */
  modules?: string[];
}

const MARKER = "# switchyard private nginx";

export function privateNginxConf(o: PrivateNginxOptions): string {
  const addr = o.bind_address || "127.0.0.1";
  const asRoot = Deno.uid?.() === 0;
  return `${MARKER}: written by the agent; edit freely, it is only created when missing.
${(o.modules ?? []).map((m) => `load_module ${m};\n`).join("")}${
    asRoot ? "user root;\n" : ""
  }worker_processes 1;
worker_shutdown_timeout 10s;
pid ${o.nginx_pid_file};
error_log logs/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    server_names_hash_bucket_size 128;
    # nginx takes the smallest table that fits the names, up to this: sized for 10,000+ sites
    # (at 512, from 5,000 sites every parse warns "could not build optimal" and runs slower).
    server_names_hash_max_size 65536;

    ${includeLine(o.nginx_dir)}

    # Answers only while no managed site listens on this port (the first
    # server of a port is its default).
    server {
        listen ${addr.includes(":") ? `[${addr}]` : addr}:${o.http_port};
        server_name switchyard-welcome.invalid;
        location / {
            default_type text/plain;
            return 200 "Switchyard dev nginx is running. Declare a pool and a site through the API to route traffic here.\\n";
        }
    }
}
`;
}

export async function writePrivateConfIfMissing(o: PrivateNginxOptions): Promise<boolean> {
  for (const d of ["logs", "tmp"]) await Deno.mkdir(`${o.prefix}/${d}`, { recursive: true });
  await Deno.mkdir(o.nginx_dir, { recursive: true });
  try {
    await Deno.stat(o.nginx_conf);
    return false;
  } catch {
    await Deno.writeTextFile(o.nginx_conf, privateNginxConf(o));
    return true;
  }
}

async function livePid(pidFile: string): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(pidFile)).trim());
    if (!pid) return null;
    Deno.kill(pid, "SIGCONT");
    return pid;
  } catch {
    return null;
  }
}

/** Starts the private nginx unless it already runs; returns its master pid. */
export async function startPrivateNginx(o: PrivateNginxOptions, exec: Exec): Promise<number> {
  await writePrivateConfIfMissing(o);
  const running = await livePid(o.nginx_pid_file);
  if (running) return running;
  const r = await exec.run([o.nginx_bin, "-p", o.prefix, "-c", o.nginx_conf], {
    timeoutMs: 30_000,
  });
  if (r.code !== 0) {
    throw new Error(`cannot start the private nginx: ${(r.stderr + r.stdout).trim()}`);
  }
  for (let i = 0; i < 200; i++) {
    const pid = await livePid(o.nginx_pid_file);
    if (pid) return pid;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`the private nginx did not write ${o.nginx_pid_file}`);
}

/** Graceful stop (`-s quit`), waiting until the master is gone. */
export async function stopPrivateNginx(
  o: PrivateNginxOptions,
  exec: Exec,
  timeoutMs = 15_000,
): Promise<void> {
  const pid = await livePid(o.nginx_pid_file);
  if (!pid) return;
  await exec.run([o.nginx_bin, "-p", o.prefix, "-c", o.nginx_conf, "-s", "quit"], {
    timeoutMs: 10_000,
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await livePid(o.nginx_pid_file))) return;
    await new Promise((res) => setTimeout(res, 20));
  }
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* gone */ }
}
