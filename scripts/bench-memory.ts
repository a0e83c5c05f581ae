// The agent's memory as an operator sees it: `agent serve` in its own process, with the
// V8 flags `deno task compile` builds into the binary, on the bench's state (N pools and
// sites). It makes the same changes as the in-process bench (sequential PUTs, then a
// burst), and its RSS is read after them, after IDLE_S seconds idle with its jobs
// running, and at its peak (scripts/bench.ts).
import { freePort } from "../tests/helpers/agent.ts";
import { cpuSeconds, rss } from "./bench-instrument.ts";

export interface AloneFigures {
  /** RSS after the changes, after the idle wait, and the peak (MB). */
  afterMB: number;
  idleMB: number;
  peakMB: number;
  /** CPU while idle with the jobs running, % of one core. */
  idleCpuPct: number;
}

/** The V8 flags of the shipped binary, read from deno.json's `compile` task. */
export function shippedV8Flags(): string[] {
  const cfg = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  return String(cfg.tasks.compile).split(/\s+/).filter((a) => a.startsWith("--v8-flags="));
}

/** Runs `agent serve --dev` on `dataDir` (its first agent closed) and measures it. */
export async function agentAlone(
  dataDir: string,
  n: number,
  opts: { puts: number; burst: number; idleS: number },
): Promise<AloneFigures> {
  const port = freePort();
  const env = {
    AGENT_DATA_DIR: dataDir,
    AGENT_DEV_HTTP_PORT: String(freePort()),
    AGENT_DEV_HTTPS_PORT: String(freePort()),
  };
  const main = new URL("../main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...shippedV8Flags(),
      main,
      "serve",
      "--dev",
      "--listen",
      `127.0.0.1:${port}`,
    ],
    env,
    cwd: dataDir,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    const key = (await Deno.readTextFile(`${dataDir}/api-key`)).trim();
    const put = async (name: string, pool: string) => {
      const deadline = performance.now() + 300_000;
      for (;;) {
        const r = await fetch(`http://127.0.0.1:${port}/api/sites/${name}`, {
          method: "PUT",
          headers: { "x-agent-key": key, "content-type": "application/json" },
          body: JSON.stringify({ server_names: [`${name}.bench`], default_pool: pool }),
        }).catch(() => null); // not listening yet
        if (r) {
          const body = await r.json();
          if (r.status !== 201 || body.apply?.status !== "applied") {
            throw new Error(`standalone agent: PUT ${name}: ${JSON.stringify(body)}`);
          }
          return;
        }
        if (performance.now() > deadline) throw new Error("standalone agent: API never answered");
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    // The first PUT also waits for the start-up apply, which goes first.
    for (let k = 0; k < opts.puts; k++) await put(`alone${k}`, `p${k % n}`);
    await Promise.all(
      Array.from({ length: opts.burst }, (_, j) => put(`aloneburst${j}`, `p${j % n}`)),
    );
    const afterMB = rss(child.pid).now;
    const cpu0 = cpuSeconds(child.pid);
    await new Promise((r) => setTimeout(r, opts.idleS * 1000));
    const idleCpuPct = ((cpuSeconds(child.pid) - cpu0) / opts.idleS) * 100;
    const { now: idleMB, peak: peakMB } = rss(child.pid);
    return { afterMB, idleMB, peakMB, idleCpuPct };
  } finally {
    child.kill("SIGTERM"); // it stops its private nginx and releases its lock
    const st = await child.status;
    if (!st.success) {
      console.error(`standalone agent exited ${st.code}: ${(await stderr).slice(-500)}`);
    }
  }
}

/** The table of the standalone agent's figures, one row per size measured. */
export function printAlone(rows: { n: number; alone: AloneFigures | null }[], idleS: number) {
  const measured = rows.filter((r) => r.alone);
  if (!measured.length) return;
  console.log(
    `\nThe agent alone (\`agent serve\` in its own process, ${shippedV8Flags().join(" ")}, ` +
      "on the same state, after the same PUTs and burst):\n",
  );
  console.log(
    `| sites | RSS after the changes | RSS idle ${idleS} s | RSS peak | idle CPU (jobs running) |`,
  );
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const { n, alone: a } of measured) {
    console.log(
      `| ${n.toLocaleString("en")} | ${Math.round(a!.afterMB)} MB | ${
        Math.round(a!.idleMB)
      } MB | ` +
        `${Math.round(a!.peakMB)} MB | ${a!.idleCpuPct.toFixed(1)} % of a core |`,
    );
  }
}
