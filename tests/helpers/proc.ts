// The real agent as a subprocess (`agent serve --dev` in a temp directory, on
// free ports), for tests that kill it, restart it, or run the CLI against it.
// Its private nginx outlives a SIGKILL, so stopNginx() stops it by pid.
import { freePort } from "./agent.ts";

const deno = Deno.execPath();
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface DevEnv {
  cwd: string;
  env: Record<string, string>;
  apiPort: number;
  httpPort: number;
}

export function devEnv(cwd: string, extra: Record<string, string> = {}): DevEnv {
  const apiPort = freePort();
  const httpPort = freePort();
  return {
    cwd,
    apiPort,
    httpPort,
    env: {
      AGENT_LISTEN: `127.0.0.1:${apiPort}`,
      AGENT_DEV_HTTP_PORT: String(httpPort),
      AGENT_DEV_HTTPS_PORT: String(freePort()),
      AGENT_COALESCE_MS: "10",
      AGENT_RELOAD_TIMEOUT: "10",
      AGENT_BACKUP_INTERVAL: "0",
      ...extra,
    },
  };
}

export interface AgentProc {
  child: Deno.ChildProcess;
  status: Promise<Deno.CommandStatus>;
  stdout(): string;
  stderr(): string;
  // deno-lint-ignore no-explicit-any
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** SIGTERM and wait: a clean shutdown (it stops its private nginx). */
  stop(): Promise<void>;
  /** SIGKILL and wait: nginx keeps running. */
  kill(): Promise<void>;
}

function collect(stream: ReadableStream<Uint8Array>): () => string {
  let text = "";
  (async () => {
    const dec = new TextDecoder();
    for await (const chunk of stream) text += dec.decode(chunk, { stream: true });
  })().catch(() => {});
  return () => text;
}

export async function spawnAgent(
  e: DevEnv,
  extraEnv: Record<string, string> = {},
): Promise<AgentProc> {
  const child = new Deno.Command(deno, {
    args: ["run", "-A", MAIN, "serve", "--dev"],
    cwd: e.cwd,
    env: { ...e.env, ...extraEnv },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const status = child.status;
  let exited = false;
  status.then(() => (exited = true));
  const base = `http://127.0.0.1:${e.apiPort}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    if (exited) throw new Error(`the agent exited at start:\n${stdout()}\n${stderr()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the agent did not answer within 60 s:\n${stdout()}\n${stderr()}`);
    }
    try {
      const r = await fetch(`${base}/api/health`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  const key = (await Deno.readTextFile(`${e.cwd}/dev-data/api-key`)).trim();
  return {
    child,
    status,
    stdout,
    stderr,
    async api(method, path, body) {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { "x-agent-key": key, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch { /* text */ }
      return { status: r.status, body: parsed };
    },
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await status;
    },
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await status;
    },
  };
}

/** Runs `agent ARGS --dev` in the directory (the CLI talks to a running agent when there is one). */
export async function agentCli(e: DevEnv, args: string[]) {
  const r = await new Deno.Command(deno, {
    args: ["run", "-A", MAIN, ...args, "--dev"],
    cwd: e.cwd,
    env: e.env,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

export function nginxPid(e: DevEnv): number | null {
  try {
    const pid = Number(Deno.readTextFileSync(`${e.cwd}/dev-data/nginx/logs/nginx.pid`).trim());
    if (!pid) return null;
    Deno.kill(pid, "SIGCONT");
    return pid;
  } catch {
    return null;
  }
}

/** Stops the private nginx a killed agent left running (by its pid, never by name). */
export async function stopNginx(e: DevEnv): Promise<void> {
  const pid = nginxPid(e);
  if (!pid) return;
  Deno.kill(pid, "SIGQUIT");
  for (let i = 0; i < 200; i++) {
    if (nginxPid(e) !== pid) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* gone */ }
}

/** `nginx -t` of what is on disk, with the private nginx.conf. */
export async function diskPassesNginxT(e: DevEnv): Promise<{ ok: boolean; output: string }> {
  const prefix = `${e.cwd}/dev-data/nginx`;
  const r = await new Deno.Command("nginx", {
    args: ["-p", prefix, "-c", `${prefix}/nginx.conf`, "-t"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { ok: r.success, output: new TextDecoder().decode(r.stderr) };
}
