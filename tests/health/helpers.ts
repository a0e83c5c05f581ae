// Shared by the health tests: a pool of real backends behind a real nginx, with
// the probe job running on the agent's scheduler.
import { startTestAgent, type TestAgent, type TestAgentOptions } from "../helpers/agent.ts";
import { type Backend, httpBackend } from "../helpers/backends.ts";

export const CHECK = { interval: "1s", timeout: "1s", rise: 2, fall: 2 };

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  stepMs = 100,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface PoolRig {
  t: TestAgent;
  backends: Backend[];
  close(): Promise<void>;
}

/** Three (or n) backends in pool "web" behind site web.test; jobs started. */
export async function poolRig(
  n = 3,
  opts: TestAgentOptions = {},
  check: Record<string, unknown> = CHECK,
): Promise<PoolRig> {
  const backends = Array.from({ length: n }, (_, i) => httpBackend(`b${i}`));
  const t = await startTestAgent({
    ...opts,
    overrides: { health_tick: 1, drift_interval: 0, backup_interval: 0, ...opts.overrides },
  });
  const pool = await t.api("PUT", "/api/pools/web", {
    members: backends.map((b) => ({ address: b.address })),
    health_check: check,
  });
  if (pool.status !== 201) throw new Error(JSON.stringify(pool.body));
  const site = await t.api("PUT", "/api/sites/web", {
    server_names: ["web.test"],
    default_pool: "web",
  });
  if (site.status !== 201) throw new Error(JSON.stringify(site.body));
  await t.agent.startJobs();
  return {
    t,
    backends,
    async close() {
      await t.close();
      for (const b of backends) await b.close().catch(() => {});
    },
  };
}

// deno-lint-ignore no-explicit-any
export async function members(t: TestAgent): Promise<any[]> {
  const r = await t.api("GET", "/api/pools/web/health");
  return r.body.members;
}

export async function statusOf(t: TestAgent, address: string): Promise<string | undefined> {
  return (await members(t)).find((m) => m.address === address)?.status;
}

/** The upstream file nginx serves now (through the live `current` link). */
export async function liveUpstream(t: TestAgent): Promise<string> {
  return await Deno.readTextFile(`${t.settings.nginx_dir}/current/pool-web.conf`);
}

export function downIn(conf: string, address: string): boolean {
  return conf.split("\n").some((l) => l.trim() === `server ${address} down;`);
}
