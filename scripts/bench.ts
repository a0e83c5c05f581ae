// `deno task bench`: the apply pipeline against a real private nginx and a real
// backend, at 10, 100 and 1,000 sites (each with its own pool):
//   - the median time from a PUT (a new site) to its first 200 through nginx;
//   - 100 concurrent changes: the reloads they cost, until all are live, against one change;
//   - writing a generation at 1,000 and 5,000 sites, whole against one site changed
//     (scripts/bench-stage.ts; --no-stage skips it);
//   - the agent alone in its own process on the same state: its RSS and idle CPU
//     (scripts/bench-memory.ts; --no-alone skips it);
//   - `nginx -t` of 1,000 and 5,000 sites on identical pools, one upstream each against
//     one shared upstream (scripts/bench-upstreams.ts; --no-upstreams skips it);
//   - where an apply spends its time (render, stage, nginx -t, swap, reload, prune);
//   - health checks (scripts/bench-health.ts): a backend's death to its ejection live in
//     nginx, and the probe job's CPU per 1,000 members;
//   - a bucket migration of 1,000 objects against raw rclone (scripts/bench-migrate.ts;
//     --no-migrate skips it);
//   - the web console at 10,000 sites: lists, the dashboard, saving one site
//     (scripts/bench-console.ts; --no-console skips it);
//   - a member change with reload-free upstreams against the reload path, at 10 and
//     10,000 sites (scripts/bench-lua.ts; needs nginx's Lua module; --no-lua skips it);
//   - a fleet of 3 agents on a 3-member etcd: a write live through all 3 nginx against the
//     single-host apply in the same run, and with the etcd leader killed
//     (scripts/bench-fleet.ts; needs etcd; --no-fleet skips it; `fleet` runs it alone).
// Usage: deno run -A scripts/bench.ts [SIZES...] | fleet   (default sizes: 10 100 1000)
// Not a test: it prints figures; the README keeps the measured ones.
import { startTestAgent, type TestAgent } from "../tests/helpers/agent.ts";
import { httpBackend } from "../tests/helpers/backends.ts";
import { renderTree } from "../agent/render/tree.ts";
import { RenderMemo } from "../agent/render/memo.ts";
import { BETWEEN_CHANGES_MS, caddyInstalled, caddyRef, firstOk, sleep } from "./bench-ref.ts";
import { rawFloor, type RefFigures } from "./bench-ref.ts";
import { cpuSeconds, instrument, rss } from "./bench-instrument.ts";
import { benchTheRest } from "./bench-rest.ts";
import { agentAlone, type AloneFigures, printAlone } from "./bench-memory.ts";

if (Deno.args.includes("fleet")) {
  const { benchFleet, printFleet } = await import("./bench-fleet.ts");
  printFleet(await benchFleet());
  Deno.exit(0);
}

const NUMS = Deno.args.filter((a) => /^\d+$/.test(a)).map(Number);
const SIZES = NUMS.length ? NUMS : [10, 100, 1000];
const PUTS = 20;
const BURST = 100;
/** The generation probe answers when live (README "Answer when live"); BENCH_PROBE=off measures without. */
const PROBE = Deno.env.get("BENCH_PROBE") === "off" ? "off" : "on";
/** Who stops the old workers (README reload_handoff); BENCH_HANDOFF=nginx measures nginx's own. */
const HANDOFF = Deno.env.get("BENCH_HANDOFF") === "nginx" ? "nginx" : "early";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

async function preload(t: TestAgent, n: number, backend: string): Promise<void> {
  // Declarative applies of 2,000 pools and sites each (the same records as PUTs, in
  // a fraction of the time: 10,000 sites took 284 s one PUT at a time).
  for (let i = 0; i < n; i += 2000) {
    const pools: Record<string, unknown> = {};
    const sites: Record<string, unknown> = {};
    for (let j = i; j < Math.min(n, i + 2000); j++) {
      pools[`p${j}`] = { members: [{ address: backend }] };
      sites[`s${j}`] = {
        server_names: [`s${j}.bench`],
        default_pool: `p${j}`,
        routes: [{ name: "api", path: "/api/", pool: `p${j}`, strip_prefix: true }],
      };
    }
    const r = await t.api("POST", "/api/apply", { pools, sites });
    if (r.status !== 200 || r.body.refused?.length) {
      throw new Error(`preload ${i}: ${JSON.stringify(r.body).slice(0, 500)}`);
    }
  }
}

/** Seconds the agent is left idle before its RSS is read again (V8 gives memory back then). */
const IDLE_S = 30;

interface Row {
  n: number;
  files: number;
  answer: number[];
  put: number[];
  apply: number[];
  /** PUT start to the change reaching the reconciler (validation, checks, KV write). */
  write: number[];
  phases: Record<string, number[]>;
  render: number[];
  /** `live`: until the first, middle and last of the burst's sites answer through nginx. */
  bursts: { reloads: number; wall: number; live: number; applies: number }[];
  preloadS: number;
  floor: RefFigures;
  caddy: RefFigures | null;
  rssMB: number;
  /** After IDLE_S seconds without a request (V8's memory reducer runs once the agent idles). */
  rssIdleMB: number;
  rssPeakMB: number;
  /** CPU while idle with the agent's jobs running, % of one core. */
  idleCpuPct: number;
  /** `agent serve` in its own process on the same state (scripts/bench-memory.ts). */
  alone: AloneFigures | null;
}

async function benchSize(n: number): Promise<Row> {
  const be = httpBackend("be");
  const t = await startTestAgent({
    // The production defaults for coalescing (the test helper shortens them).
    overrides: {
      coalesce_ms: 25,
      coalesce_max_ms: 1000,
      reload_timeout: 30,
      reload_probe: PROBE,
      reload_handoff: HANDOFF,
    },
  });
  const rt = t.agent.rt;
  let closed = false;
  try {
    // Unknown hosts get 404 from a catch-all, so a 200 means the new site answers.
    const catchAll = await t.api("PUT", "/api/sites/catch-all", {
      server_names: ["_"],
      listen: [{ port: t.httpPort, address: "127.0.0.1", default_server: true }],
    });
    if (catchAll.status !== 201) throw new Error(JSON.stringify(catchAll.body));
    const p0 = performance.now();
    await preload(t, n, be.address);
    const preloadS = (performance.now() - p0) / 1000;
    const probe = instrument(rt);
    probe.take();
    const row: Row = {
      n,
      files: 0,
      answer: [],
      put: [],
      apply: [],
      write: [],
      phases: {},
      render: [],
      bursts: [],
      preloadS,
      floor: { live: [], test: [], burst: 0 },
      caddy: null,
      rssMB: 0,
      rssIdleMB: 0,
      rssPeakMB: 0,
      idleCpuPct: 0,
      alone: null,
    };
    let renders = new RenderMemo();
    for (let k = 0; k < PUTS; k++) {
      await sleep(BETWEEN_CHANGES_MS);
      const host = `new${k}.bench`;
      const start = performance.now();
      const put = t.api("PUT", `/api/sites/new${k}`, {
        server_names: [host],
        default_pool: `p${k % n}`,
      }).then((r) => ({ r, at: performance.now() }));
      const answered = await firstOk(t.httpPort, host, start + 60_000);
      const { r, at } = await put;
      if (r.status !== 201 || r.body.apply?.status !== "applied") {
        throw new Error(`PUT new${k}: ${JSON.stringify(r.body)}`);
      }
      row.answer.push(answered - start);
      row.put.push(at - start);
      row.apply.push(r.body.apply.duration_ms);
      row.write.push(probe.submittedAt() - start);
      for (const [ph, v] of Object.entries(probe.take())) (row.phases[ph] ??= []).push(v);
      // Rendering runs inside the apply; time it apart on the same state, keeping
      // unchanged records' files from the last PUT's render as the round does.
      const state = new Map(rt.reconciler.applied); // the round's frozen records
      const r0 = performance.now();
      const files = renderTree(state, rt.renderContext(), rt.extensions, rt.kinds.list(), renders);
      row.render.push(performance.now() - r0);
      row.files = files.length;
      probe.take();
    }
    for (const round of [0, 1]) {
      const before = rt.reconciler.reloads;
      const gen0 = rt.reconciler.currentGeneration ?? 0;
      const s = performance.now();
      const puts = Promise.all(
        Array.from({ length: BURST }, (_, j) =>
          t.api("PUT", `/api/sites/burst${round}-${j}`, {
            server_names: [`burst${round}-${j}.bench`],
            default_pool: `p${j % n}`,
          })),
      );
      const lives = [0, BURST >> 1, BURST - 1].map((j) =>
        firstOk(t.httpPort, `burst${round}-${j}.bench`, s + 120_000)
      );
      const rs = await puts;
      const wall = performance.now() - s;
      const live = Math.max(...await Promise.all(lives)) - s;
      const bad = rs.find((r) => r.status !== 201 || r.body.apply?.status !== "applied");
      if (bad) throw new Error(`burst: ${JSON.stringify(bad.body)}`);
      row.bursts.push({
        reloads: rt.reconciler.reloads - before,
        wall,
        live,
        applies: (rt.reconciler.currentGeneration ?? 0) - gen0,
      });
      probe.take();
    }
    row.rssMB = rss().now;
    renders = new RenderMemo(); // the bench's own copy of the files: the agent's memory is measured
    // Idle as under `agent serve`: its jobs run (health passes, expiry, drift, ...).
    await t.agent.startJobs();
    const cpu0 = cpuSeconds();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    row.idleCpuPct = ((cpuSeconds() - cpu0) / IDLE_S) * 100;
    ({ now: row.rssIdleMB, peak: row.rssPeakMB } = rss());
    await rt.scheduler.stop(); // the references get the machine without the agent's jobs
    // The references on the same tree, with the agent idle.
    const cur = rt.reconciler.currentGeneration!;
    const confs = new Map(
      [...await rt.generations.confFiles(cur)].filter(([name]) => !name.includes("/")),
    );
    const newSite = confs.get("site-new0.conf")!;
    row.floor = await rawFloor(
      confs,
      t.httpPort,
      (_k, host) => newSite.replaceAll("new0.bench", host),
      PUTS,
      BURST,
    );
    if (caddyInstalled()) row.caddy = await caddyRef(n, be.address, PUTS, BURST);
    await t.close();
    closed = true;
    if (!Deno.args.includes("--no-alone")) {
      row.alone = await agentAlone(t.settings.data_dir, n, {
        puts: PUTS,
        burst: BURST,
        idleS: IDLE_S,
      });
    }
    return row;
  } finally {
    if (!closed) await t.close();
    await be.close();
    await Deno.remove(t.dir, { recursive: true }).catch(() => {});
  }
}

const nginxVersion = await (async () => {
  const r = await new Deno.Command("nginx", { args: ["-v"], stderr: "piped" }).output();
  return /nginx\/(\S+)/.exec(new TextDecoder().decode(r.stderr))?.[1] ?? "unknown";
})();
console.log(
  `Switchyard apply benchmark — ${new Date().toISOString().slice(0, 10)}, ` +
    `${navigator.hardwareConcurrency} cores, nginx ${nginxVersion}, Deno ${Deno.version.deno}`,
);
console.log(
  `Each size: N pools + N sites preloaded (one upstream and one server block each), then ` +
    `${PUTS} sequential PUTs of a new site (${BETWEEN_CHANGES_MS} ms apart), then ${BURST} concurrent PUTs (twice); ` +
    `apply_proof sandbox, reload_probe ${PROBE}, reload_handoff ${HANDOFF}.\n`,
);
const rows: Row[] = [];
for (const n of SIZES) {
  const row = await benchSize(n);
  rows.push(row);
  console.log(
    `${n} sites: preloaded in ${row.preloadS.toFixed(1)} s; ` +
      `${row.files} config files per generation`,
  );
}

const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
console.log(
  "\n" +
    line([
      "sites",
      "PUT → 200 via nginx, median (p10–p90)",
      "PUT response, median",
      "reloads per 100 concurrent PUTs",
      "100 concurrent PUTs, all live",
      "100 concurrent PUTs, all answered",
    ]),
);
console.log(line(["---:", "---:", "---:", "---:", "---:", "---:"]));
for (const r of rows) {
  console.log(line([
    r.n.toLocaleString("en"),
    `${ms(median(r.answer))} (${ms(pct(r.answer, 0.1))}–${ms(pct(r.answer, 0.9))})`,
    ms(median(r.put)),
    r.bursts.map((b) => String(b.reloads)).join(", "),
    r.bursts.map((b) => ms(b.live)).join(", "),
    r.bursts.map((b) => ms(b.wall)).join(", "),
  ]));
}

console.log(
  "\nAgainst the references on the same tree in the same run (medians; floor: write the same " +
    "files, nginx -t, kill -HUP; Caddy 2.6: POST /load with the same routes):\n",
);
console.log(line([
  "sites",
  "agent PUT → live",
  "answered",
  "answered − live",
  "floor live",
  "floor nginx -t",
  "Caddy live",
  "agent / floor",
  "agent / Caddy",
  "100 concurrent live: agent, floor, Caddy",
  "agent burst live / one change",
  `RSS (bench + agent): after the bursts, idle ${IDLE_S} s, peak`,
  "idle CPU (jobs running)",
]));
console.log(line(Array(13).fill("---:")));
for (const r of rows) {
  const live = median(r.answer);
  const caddy = r.caddy ? median(r.caddy.live) : null;
  const burst = Math.max(...r.bursts.map((b) => b.live));
  console.log(line([
    r.n.toLocaleString("en"),
    ms(live),
    ms(median(r.put)),
    ms(median(r.put.map((p, i) => p - r.answer[i]))),
    ms(median(r.floor.live)),
    ms(median(r.floor.test)),
    caddy === null ? "–" : ms(caddy),
    (live / median(r.floor.live)).toFixed(2),
    caddy === null ? "–" : (live / caddy).toFixed(2),
    `${ms(burst)}, ${ms(r.floor.burst)}, ${r.caddy ? ms(r.caddy.burst) : "–"}`,
    (burst / live).toFixed(2),
    `${Math.round(r.rssMB)} MB, ${Math.round(r.rssIdleMB)} MB, ${Math.round(r.rssPeakMB)} MB`,
    `${r.idleCpuPct.toFixed(1)} % of a core`,
  ]));
}

const PHASES = ["stage", "nginx -t", "swap", "reload", "prune"];
console.log("\nWhere one apply's time goes (medians over the sequential PUTs):\n");
console.log(line([
  "sites",
  "validate + KV write",
  "apply (total)",
  "render*",
  "stage (write files)",
  "nginx -t",
  "swap",
  "reload + proof",
  "rest of apply**",
  "prune***",
  "nginx -t share of apply",
]));
console.log(line(Array(11).fill("---:")));
for (const r of rows) {
  const m = (ph: string) => median(r.phases[ph] ?? [0]);
  const rest = r.apply.map((a, i) =>
    a - PHASES.slice(0, 4).reduce((s, p) => s + (r.phases[p]?.[i] ?? 0), 0)
  );
  console.log(line([
    r.n.toLocaleString("en"),
    ms(median(r.write)),
    ms(median(r.apply)),
    ms(median(r.render)),
    ...PHASES.slice(0, 4).map((p) => ms(m(p))),
    ms(median(rest)),
    ms(m("prune")),
    `${Math.round((100 * m("nginx -t")) / median(r.apply))} %`,
  ]));
}
console.log(
  "\n*   render is timed apart on the same state (it runs inside the apply), keeping the files\n" +
    "    of the records the last render had, as the round does (render/memo.ts)." +
    "\n**  the apply minus stage, nginx -t, swap and reload: reading the state, render, audit." +
    "\n*** prune runs once the round's callers are answered: outside the apply and the PUT " +
    "(it may be counted with the next PUT).",
);

printAlone(rows, IDLE_S);

if (rows.length > 1) {
  const base = rows[0];
  console.log(`\nRatios against ${base.n} sites:`);
  for (const r of rows.slice(1)) {
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(1);
    console.log(
      `  ${r.n} vs ${base.n} sites (${r.n / base.n}x the sites): PUT → 200 ${
        ratio(r.answer, base.answer)
      }x, apply ${ratio(r.apply, base.apply)}x, nginx -t ${
        ratio(r.phases["nginx -t"], base.phases["nginx -t"])
      }x, stage ${ratio(r.phases.stage, base.phases.stage)}x, render ${
        ratio(r.render, base.render)
      }x, reload ${ratio(r.phases.reload, base.phases.reload)}x`,
    );
  }
}

await benchTheRest(Deno.args);
