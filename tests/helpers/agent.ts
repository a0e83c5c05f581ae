// A real agent for integration tests: its own temp prefix, a private nginx on a
// free loopback port, KV on disk, the full HTTP app (called in-process).
import { loadSettings, type Settings } from "../../agent/settings.ts";
import { type Agent, buildAgent } from "../../agent/bootstrap.ts";
import type { Feature } from "../../agent/features.ts";
import { type RawRequest, rawRequest, type RawResponse } from "./http.ts";

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function tempDir(prefix = "sy"): Promise<string> {
  // Short paths: unix sockets and nginx messages stay readable.
  return await Deno.makeTempDir({ dir: "/tmp", prefix: `${prefix}-` });
}

export interface TestAgent {
  agent: Agent;
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
  features?: Feature[];
  /** Reuse a directory (restart tests); default: a new temp dir. */
  dir?: string;
  httpPort?: number;
  startNginx?: boolean;
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
  const agent = await buildAgent(settings, {
    privateNginx: opts.startNginx ?? true,
    log: () => {},
    features: opts.features,
  });
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
