// How state-changing commands reach the agent: over HTTP when one is running
// (one reconciler per host), otherwise in-process under the same lock the
// server holds, so two writers never race.
import { AgentError } from "../errors.ts";
import type { Settings } from "../settings.ts";
import { resolveApiKey } from "../runtime.ts";
import { acquireLock, type Lock } from "./lock.ts";
import { type CliAgent, type CliIO, cliOf } from "./command.ts";

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

export interface Client {
  mode: "http" | "in-process";
  settings: Settings;
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

export function baseUrl(listen: string): string {
  const [host, port] = [
    listen.slice(0, listen.lastIndexOf(":")),
    listen.slice(listen.lastIndexOf(":") + 1),
  ];
  const h = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "[::]" ? "[::1]" : host;
  return `http://${h}:${port}`;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1500) });
    await r.body?.cancel();
    return r.ok || r.status < 500;
  } catch {
    return false;
  }
}

function actorHeader(): string {
  const user = Deno.env.get("SUDO_USER") ?? Deno.env.get("USER") ?? "root";
  return `cli-${user}`;
}

/** `io` carries the program's context: its settings rows and how to build its agent. */
export async function connect(
  io: CliIO,
  opts: { dev?: boolean; config?: string; settings?: Settings },
): Promise<Client> {
  const cli = cliOf(io);
  const settings = opts.settings ??
    await cli.loadSettings({ dev: opts.dev, configFile: opts.config });
  const url = baseUrl(settings.listen);
  if (await reachable(url)) {
    const key = await resolveApiKey(settings, false).catch(() => {
      throw new AgentError(
        "UNAUTHORIZED",
        `cannot read the API key: set AGENT_API_KEY or make ${settings.data_dir}/api-key readable`,
      );
    });
    return {
      mode: "http",
      settings,
      async request(method, path, body) {
        const r = await fetch(`${url}${path}`, {
          method,
          headers: {
            "x-agent-key": key,
            "content-type": "application/json",
            "x-agent-actor": actorHeader(),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return await toResponse(r);
      },
      async close() {},
    };
  }
  const lock: Lock = await acquireLock(settings.data_dir, 5000);
  let agent: CliAgent;
  try {
    agent = await cli.build(settings, { log: () => {} });
  } catch (e) {
    await lock.release();
    throw e;
  }
  return {
    mode: "in-process",
    settings,
    async request(method, path, body) {
      const r = await agent.app.request(path, {
        method,
        headers: {
          "x-agent-key": agent.rt.apiKey,
          "content-type": "application/json",
          "x-agent-actor": actorHeader(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return await toResponse(r);
    },
    async close() {
      await agent.close();
      await lock.release();
    },
  };
}

async function toResponse(r: Response): Promise<ApiResponse> {
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* plain text */ }
  return { status: r.status, body, text };
}

/** One API call for a CLI command: to the running agent, or in-process under the lock. */
export async function requestOnce(
  io: CliIO,
  flags: Record<string, unknown>,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  const client = await connect(io, {
    dev: flags.dev === true,
    config: flags.config as string | undefined,
  });
  try {
    return await client.request(method, path, body);
  } finally {
    await client.close();
  }
}
