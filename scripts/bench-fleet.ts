// The fleet's figures for `deno task bench` (alone: deno run -A scripts/bench.ts fleet,
// or deno run -A scripts/bench-fleet.ts): a real 3-member etcd on loopback and 3
// agents (store = etcd), each with its own private nginx, against one single-host
// agent (store = kv) measured in the same run:
//   - a new site written on one node until it answers 200 through all 3 nginx, against
//     the same write until it answers through the single host's nginx (the ratio);
//   - with the etcd leader killed (SIGKILL): from the kill to a write on a node being
//     accepted, and to that write answering through all 3 nginx.
import { startTestAgent, type TestAgent } from "../tests/helpers/agent.ts";
import { httpBackend } from "../tests/helpers/backends.ts";
import { startEtcdCluster } from "../tests/helpers/etcd.ts";
import { fleetNode, serves } from "../tests/fleet/helpers.ts";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** Resolves with the time (performance.now()) `host` first answered through every agent. */
async function liveOnAll(ts: TestAgent[], host: string, timeoutMs = 30_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  const at = await Promise.all(ts.map(async (t) => {
    while (performance.now() < end) {
      if (await serves(t, host, "be")) return performance.now();
      await sleep(2);
    }
    throw new Error(`${host} not live through ${t.httpPort} within ${timeoutMs} ms`);
  }));
  return Math.max(...at);
}

export interface FleetFigures {
  single: number[];
  fleet: number[];
  /** The write's own answer on the node that took it (live there). */
  answer: number[];
  /** Leader kills: to the first accepted write, and to that write live through all 3. */
  kills: { accepted: number; live: number }[];
}

export async function benchFleet(rounds = 10, kills = 3): Promise<FleetFigures> {
  const be = httpBackend("be");
  const cluster = await startEtcdCluster();
  const quiet = { drift_interval: 0, health_tick: 0 };
  const nodes: TestAgent[] = [];
  let single: TestAgent | undefined;
  const out: FleetFigures = { single: [], fleet: [], answer: [], kills: [] };
  try {
    for (const n of ["gw1", "gw2", "gw3"]) {
      nodes.push(await fleetNode(cluster.endpoints, "bench", n, { overrides: quiet }));
    }
    single = await startTestAgent({ overrides: quiet });
    for (const t of [nodes[0], single]) {
      const r = await t.api("PUT", "/api/pools/web?wait=applied", {
        members: [{ address: be.address }],
      });
      if (r.status !== 201) throw new Error(`pool: ${JSON.stringify(r.body)}`);
    }
    const site = (host: string) => ({ server_names: [host], default_pool: "web" });
    const put = async (t: TestAgent, name: string) => {
      const r = await t.api("PUT", `/api/sites/${name}`, site(`${name}.bench`));
      if (r.status !== 201) throw new Error(`site ${name}: ${JSON.stringify(r.body)}`);
    };
    for (let i = 0; i < rounds + 1; i++) { // (the first of each is a warm-up)
      let t0 = performance.now();
      await put(single, `k${i}`);
      const k = (await liveOnAll([single], `k${i}.bench`)) - t0;
      t0 = performance.now();
      await put(nodes[i % 3], `f${i}`);
      const answered = performance.now() - t0;
      const f = (await liveOnAll(nodes, `f${i}.bench`)) - t0;
      if (i === 0) continue;
      out.single.push(k);
      out.answer.push(answered);
      out.fleet.push(f);
    }
    for (let i = 0; i < kills; i++) {
      const leader = await cluster.leader();
      const t0 = performance.now();
      await cluster.kill(leader);
      const name = `l${i}`;
      let accepted = 0;
      while (performance.now() - t0 < 30_000) {
        const r = await nodes[i % 3].api("PUT", `/api/sites/${name}`, site(`${name}.bench`));
        if (r.status === 201 || r.status === 200) {
          accepted = performance.now() - t0;
          break;
        }
        await sleep(20);
      }
      if (!accepted) throw new Error("no write accepted within 30 s of the leader's kill");
      const live = (await liveOnAll(nodes, `${name}.bench`)) - t0;
      out.kills.push({ accepted, live });
      await cluster.restart(leader);
      await sleep(500);
    }
    return out;
  } finally {
    for (const t of [...nodes, ...(single ? [single] : [])]) {
      await t.close().catch(() => {});
      await Deno.remove(t.dir, { recursive: true }).catch(() => {});
    }
    await cluster.stopAll();
    await be.close();
  }
}

export function printFleet(f: FleetFigures): void {
  const ratio = median(f.fleet) / median(f.single);
  console.log(
    `\nFleet (3 agents, each with its own nginx, on a 3-member etcd; ${f.fleet.length} writes):`,
  );
  console.log(
    `  new site written on one node → live through all 3 nginx: median ${
      ms(median(f.fleet))
    } (min ${ms(Math.min(...f.fleet))}, max ${ms(Math.max(...f.fleet))}); the write's answer ${
      ms(median(f.answer))
    }`,
  );
  console.log(
    `  the same write on one host (store = kv) → live through its nginx: median ${
      ms(median(f.single))
    }; fleet / single host: ${ratio.toFixed(1)}x`,
  );
  for (const [i, k] of f.kills.entries()) {
    console.log(
      `  etcd leader killed (${i + 1}): a write accepted after ${
        ms(k.accepted)
      }, live through all 3 nginx after ${ms(k.live)}`,
    );
  }
}

if (import.meta.main) printFleet(await benchFleet());
