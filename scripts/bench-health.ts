// The health checks' figures for `deno task bench` (also runnable alone:
// deno run -A scripts/bench-health.ts):
//   - the time from a backend's death to its ejection being live in nginx
//     (pool interval 1s, fall 2: the bound is about fall × interval + one pass + one apply);
//   - the probe job's CPU per 1,000 members probed every 5 s, as a share of one core
//     (the agent process only: the 1,000 backends run in a child process).
import process from "node:process";
import { startTestAgent } from "../tests/helpers/agent.ts";
import { httpBackend } from "../tests/helpers/backends.ts";
import { HEALTH } from "../agent/features/health/monitor.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function until(fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await fn()) return;
    await sleep(20);
  }
  throw new Error("timed out");
}

export async function deathToEjection(rounds = 5): Promise<number[]> {
  const backends = [httpBackend("a"), httpBackend("b"), httpBackend("c")];
  const t = await startTestAgent({ overrides: { health_tick: 1, drift_interval: 0 } });
  const out: number[] = [];
  try {
    await t.api("PUT", "/api/pools/web", {
      members: backends.map((b) => ({ address: b.address })),
      health_check: { interval: "1s", timeout: "1s", fall: 2, rise: 2 },
    });
    await t.agent.startJobs();
    const live = () => Deno.readTextFile(`${t.settings.nginx_dir}/current/pool-web.conf`);
    for (let i = 0; i < rounds; i++) {
      const victim = backends[0];
      const line = `server ${victim.address} down;`;
      await until(async () => !(await live()).includes(line));
      await sleep(1000 + Math.random() * 1000); // not in step with the job
      const killed = performance.now();
      await victim.close();
      await until(async () => (await live()).includes(line));
      out.push(performance.now() - killed);
      backends[0] = httpBackend("a", { port: victim.port });
    }
  } finally {
    await t.close();
    for (const b of backends) await b.close().catch(() => {});
  }
  return out;
}

const CHILD = `
const n = Number(Deno.args[0]);
const ports = [];
for (let i = 0; i < n; i++) {
  const s = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => new Response("ok"));
  ports.push(s.addr.port);
}
console.log(JSON.stringify(ports));
await new Promise(() => {});
`;

export async function probeCpu(members = 1000, seconds = 30): Promise<
  { idle: number; probing: number; checks: number; expected: number; maxPass: number }
> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, CHILD);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", file, String(members)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) buf += (await reader.read()).value ?? "";
  const ports = JSON.parse(buf.split("\n")[0]) as number[];
  const t = await startTestAgent({
    overrides: { health_tick: 1, drift_interval: 0, backup_interval: 0 },
  });
  try {
    const share = async (s: number) => {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      await sleep(s * 1000);
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000 / (performance.now() - w0);
    };
    const put = await t.api("PUT", "/api/pools/big", {
      members: ports.map((p) => ({ address: `127.0.0.1:${p}` })),
      health_check: { interval: "5s", timeout: "2s" },
    });
    if (put.status !== 201) throw new Error(JSON.stringify(put.body));
    const idle = await share(10); // the agent with the pool, no probes yet
    await t.agent.startJobs();
    await sleep(6000); // the first round of probes settles in
    const mon = t.agent.rt.use(HEALTH);
    const before = mon.checks.ok + mon.checks.failed;
    let maxPass = 0;
    const watch = setInterval(() => {
      maxPass = Math.max(maxPass, mon.lastPass?.duration_ms ?? 0);
    }, 200);
    const probing = await share(seconds);
    clearInterval(watch);
    const checks = mon.checks.ok + mon.checks.failed - before;
    return { idle, probing, checks, expected: members * seconds / 5, maxPass };
  } finally {
    await t.close();
    child.kill();
    await child.status;
    await Deno.remove(file);
  }
}

export async function benchHealth(): Promise<void> {
  console.log("\nHealth checks:\n");
  const d = await deathToEjection();
  console.log(
    `  death -> ejection live in nginx (interval 1s, fall 2): median ${
      Math.round(median(d))
    } ms; runs ${d.map((x) => Math.round(x)).join(", ")} ms`,
  );
  const c = await probeCpu();
  console.log(
    `  1,000 members every 5 s: ${c.checks} checks in 30 s (${c.expected} due, ${
      Math.round(100 * c.checks / c.expected)
    } %), longest pass ${c.maxPass} ms; agent CPU ${(100 * c.probing).toFixed(1)} % of a core ` +
      `(${(100 * c.idle).toFixed(1)} % before probing: the probes cost ${
        (100 * (c.probing - c.idle)).toFixed(1)
      } %)`,
  );
}

if (import.meta.main) await benchHealth();
