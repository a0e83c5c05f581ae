// A real agent for integration tests: its own temp prefix, a private nginx on a
// free loopback port, KV on disk, the full HTTP app (called in-process).
import { loadSettings, type ProgramSettings as Settings } from "../../agent/features/index.ts";
import { type Agent, buildAgent, hostFor } from "../../agent/bootstrap.ts";
import type { Feature } from "../../agent/host.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { type RawRequest, rawRequest, type RawResponse } from "./http.ts";
import { FETCH_BLOCKED } from "../../agent/http-get.ts";

// Ports handed out by this process: never twice, even after their listener closed.
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (outgoing connections take ports from it). */
function ephemeralLow(): number {
  try {
    const low = Number(
      Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range").split(/\s+/)[0],
    );
    return low > 12_000 ? low : 32768;
  } catch {
    return 32768;
  }
}

/**
 * A loopback port nothing listens on, for a server a test starts later. It is
 * chosen at random below the ephemeral range: a port the kernel gave for port 0
 * is given again to the next caller once closed, and the suite's own outgoing
 * connections take ports from that range, so either could hold it by the time
 * nginx binds (CI saw `bind() ... Address already in use`).
 */
export function freePort(): number {
  const low = 10_000, high = ephemeralLow() - 1;
  for (let i = 0; i < 200; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    // fetch() refuses some ports (10080 in this range): CI drew it once and the test
    // saw "Requests to port 10080 are blocked" instead of the connection it meant.
    if (handedOut.has(port) || FETCH_BLOCKED.has(port)) continue;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      Deno.listen({ hostname: "::1", port }).close();
    } catch (e) {
      // IPv6 may be missing on a host; a port taken on either family is skipped.
      if (!(e instanceof Deno.errors.AddrNotAvailable)) continue;
    }
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free loopback port found between ${low} and ${high}`);
}

// Temp dirs of this test module, removed when it ends (restart tests reuse a dir
// after closing its first agent, so a close cannot remove it). SY_KEEP_TEMP=1 keeps
// them for a look after a failure.
const made = new Set<string>();
globalThis.addEventListener("unload", () => {
  if (Deno.env.get("SY_KEEP_TEMP") === "1") return;
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone, or held by a process the test left: nothing to do at exit */ }
  }
});

export async function tempDir(prefix = "sy"): Promise<string> {
  // Short paths: unix sockets and nginx messages stay readable.
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: `${prefix}-` });
  made.add(dir);
  return dir;
}

export interface TestAgent {
  /** Built from the program's features (or a subset): typed with the program's settings. */
  agent: Agent<Settings>;
  settings: Settings;
  dir: string;
  httpPort: number;
  /** Calls the API in-process with the API key. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // deno-lint-ignore no-explicit-any
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** A request through nginx to the HTTP port with a Host header. */
  viaNginx(
    host: string,
    path: string,
    init?: Omit<RawRequest, "port" | "host" | "path">,
  ): Promise<RawResponse>;
  reloads(): number;
  close(): Promise<void>;
}

export interface TestAgentOptions {
  overrides?: Record<string, unknown>;
  /** The features to build (default: every feature of the program). */
  features?: readonly Feature[];
  /** Reuse a directory (restart tests); default: a new temp dir. */
  dir?: string;
  httpPort?: number;
  startNginx?: boolean;
  /** Receives the agent's log lines (default: dropped). */
  log?: (msg: string) => void;
}

export function requireNginx(): void {
  const r = new Deno.Command("nginx", { args: ["-v"], stdout: "null", stderr: "null" })
    .outputSync();
  if (!r.success) {
    throw new Error(
      "nginx is not installed: run `deno task test`, which installs it (scripts/install-test-deps.sh)",
    );
  }
}

export async function startTestAgent(opts: TestAgentOptions = {}): Promise<TestAgent> {
  requireNginx();
  const dir = opts.dir ?? (await tempDir());
  const httpPort = opts.httpPort ?? (await freePort());
  const settings = await loadSettings({
    dev: true,
    cwd: dir,
    env: {},
    configFile: `${dir}/config.toml`,
    overrides: {
      data_dir: `${dir}/data`,
      dev_http_port: httpPort,
      dev_https_port: await freePort(),
      coalesce_ms: 10,
      reload_timeout: 10,
      ...opts.overrides,
    },
  });
  const agent = await buildAgent(settings, hostFor(opts.features ?? FEATURES), {
    privateNginx: opts.startNginx ?? true,
    log: opts.log ?? (() => {}),
  }) as Agent<Settings>; // loaded with every row of the program, so typed with them
  return {
    agent,
    settings,
    dir,
    httpPort,
    async api(method, path, body, headers = {}) {
      const r = await agent.app.request(path, {
        method,
        headers: { "x-agent-key": agent.rt.apiKey, "content-type": "application/json", ...headers },
        body: body === undefined
          ? undefined
          : typeof body === "string"
          ? body
          : JSON.stringify(body),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch { /* text */ }
      return { status: r.status, body: parsed, headers: r.headers };
    },
    async viaNginx(host, path, init = {}) {
      return await rawRequest({ port: httpPort, host, path, ...init });
    },
    reloads: () => agent.rt.reconciler.reloads,
    async close() {
      await agent.close();
    },
  };
}
