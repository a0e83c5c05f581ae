// Reload-free upstreams (lua_upstreams) against the reload path, in one run:
// N pools and N sites (one upstream each), then a member change of one pool
// (which of two members is down) timed from the PUT to the first request nginx
// answers from the new member, with the reloads it cost and whether the same
// workers still serve. Needs Debian's libnginx-mod-http-lua (scripts/install-test-deps.sh).
// Usage: deno run -A scripts/bench-lua.ts [SIZES...]   (default: 10 10000)
import { freePort, startTestAgent, type TestAgent } from "../tests/helpers/agent.ts";
import { type Backend, httpBackend } from "../tests/helpers/backends.ts";
import { rawRequest } from "../tests/helpers/http.ts";
import { writeInBatches } from "../agent/features/resilience/batch.ts";
import type { WriteOp } from "../agent/store/store.ts";

/** Changes per size with lua_upstreams on, and on the reload path (fewer: seconds each at scale). */
const changes = (n: number) => (n >= 1000 ? 6 : 10);
const reloadChanges = (n: number) => (n >= 1000 ? 2 : 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);

interface Figures {
  live: number[];
  answered: number[];
  reloads: number;
  sameWorkers: boolean;
}

async function preload(t: TestAgent, n: number, a: Backend, b: Backend, filler: string) {
  const pools = t.agent.rt.kinds.get("pool")!;
  const sites = t.agent.rt.kinds.get("site")!;
  const ops: WriteOp[] = [];
  for (let i = 0; i < n; i++) {
    const members = i === 0
      ? [{ address: a.address }, { address: b.address, down: true }]
      : [{ address: filler }];
    ops.push({ type: "put", kind: "pool", name: `p${i}`, spec: pools.parse(`p${i}`, { members }) });
  }
  for (let i = 0; i < n; i++) {
    const spec = sites.parse(`s${i}`, { server_names: [`s${i}.bench`], default_pool: `p${i}` });
    ops.push({ type: "put", kind: "site", name: `s${i}`, spec });
  }
  await writeInBatches(t.agent.rt.store, ops as never, { actor: "bench", action: "preload" });
  const o = await t.agent.rt.reconciler.applyNow();
  if (o.status !== "applied") throw new Error(`preload apply: ${JSON.stringify(o)}`);
}

/** Polls s0.bench until `who` answers; returns when. */
async function liveFrom(t: TestAgent, who: string, deadline: number): Promise<number> {
  while (performance.now() < deadline) {
    try {
      const r = await rawRequest({
        port: t.httpPort,
        host: "s0.bench",
        path: "/",
        timeoutMs: 5000,
      });
      if (r.status === 200 && r.text.startsWith(`${who} `)) return performance.now();
    } catch { /* reloading: retry */ }
    await new Promise((r) => setTimeout(r, 1)); // the agent runs in this process: let it work
  }
  throw new Error(`${who} never answered for s0.bench`);
}

async function measure(n: number, lua: boolean, changes: number): Promise<Figures> {
  const [a, b, filler] = ["A", "B", "F"].map((x) => httpBackend(x));
  const t = await startTestAgent({
    overrides: {
      coalesce_ms: 25,
      coalesce_max_ms: 1000,
      reload_timeout: 300, // nginx parses 10,000 upstreams slowly: the reload path must finish
      lua_upstreams: lua ? "on" : "off",
      lua_upstreams_port: freePort(),
      drift_interval: 0,
      backup_interval: 0,
    },
  });
  try {
    await preload(t, n, a, b, filler.address);
    const rt = t.agent.rt;
    const pids = async () => (await rt.nginx.workers()).map((w) => w.pid).sort().join();
    const workers = await pids();
    const reloads = rt.reconciler.reloads;
    const out: Figures = { live: [], answered: [], reloads: 0, sameWorkers: true };
    for (let k = 0; k < changes; k++) {
      const toB = k % 2 === 0;
      const start = performance.now();
      const put = t.api("PUT", "/api/pools/p0", {
        members: [{ address: a.address, down: toB }, { address: b.address, down: !toB }],
      }).then((r) => ({ r, at: performance.now() }));
      const live = await liveFrom(t, toB ? "B" : "A", start + 120_000);
      const { r, at } = await put;
      if (r.status !== 200) throw new Error(`PUT p0: ${JSON.stringify(r.body)}`);
      out.live.push(live - start);
      out.answered.push(at - start);
    }
    out.reloads = rt.reconciler.reloads - reloads;
    out.sameWorkers = (await pids()) === workers;
    return out;
  } finally {
    await t.close();
    for (const x of [a, b, filler]) await x.close();
    await Deno.remove(t.dir, { recursive: true }).catch(() => {});
  }
}

/** Debian's module, as scripts/install-test-deps.sh installs it. */
export function luaInstalled(): boolean {
  try {
    return Deno.statSync("/usr/lib/nginx/modules/ngx_http_lua_module.so").isFile;
  } catch {
    return false;
  }
}

export async function benchLua(sizes: number[] = [10, 10_000]): Promise<void> {
  console.log(
    `\nMember changes (one pool: which of two members is down), PUT → first answer from the ` +
      `new member; lua_upstreams on, then off (the reload path), in the same run:\n`,
  );
  const line = (c: string[]) => console.log(`| ${c.join(" | ")} |`);
  line(["sites", "mode", "live, median (max)", "answered, median", "reloads", "same workers"]);
  line(Array(6).fill("---:"));
  for (const n of sizes) {
    const row = (mode: string, f: Figures) =>
      line([
        n.toLocaleString("en"),
        mode,
        `${ms(median(f.live))} (${ms(Math.max(...f.live))})`,
        ms(median(f.answered)),
        `${f.reloads} / ${f.live.length}`,
        f.sameWorkers ? "yes" : "no",
      ]);
    const on = await measure(n, true, changes(n));
    row("lua_upstreams", on);
    try {
      const off = await measure(n, false, reloadChanges(n));
      row("reload path", off);
      console.log(
        `  ${n} sites: reload path / lua_upstreams (live) = ${
          (median(off.live) / median(on.live)).toFixed(0)
        }`,
      );
    } catch (e) {
      line([
        n.toLocaleString("en"),
        "reload path",
        `failed: ${(e as Error).message.slice(0, 160)}`,
      ]);
    }
  }
}

if (import.meta.main) {
  const nums = Deno.args.filter((x) => /^\d+$/.test(x)).map(Number);
  await benchLua(nums.length ? nums : undefined);
}
