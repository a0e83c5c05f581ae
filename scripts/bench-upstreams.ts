// Shared upstreams (setting share_upstreams): `nginx -t` of N sites, each with
// its own pool, all pools identical (one member, the defaults), rendered by the
// agent's own renderTree with sharing off (one upstream per pool, before) and on
// (one shared upstream), and, for scale, N sites on distinct pools (one member
// each, a different port: nothing to share). The real nginx, a private prefix.
// Not a test: it prints figures. Alone: deno run -A scripts/bench-upstreams.ts 1000 5000
import { parsePool } from "../agent/kinds/pool/schema.ts";
import { parseSite } from "../agent/kinds/site/schema.ts";
import { featuresFor, type RenderContext } from "../agent/render/context.ts";
import { makeTemplates } from "../agent/render/templates.ts";
import { renderTree } from "../agent/render/tree.ts";
import type { Rec } from "../agent/store/store.ts";
import { privateNginxConf } from "../agent/nginx/private.ts";

const REPS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const meta = { version: 1, created_at: "", updated_at: "" };

function records(n: number, distinct: boolean): Map<string, Rec> {
  const m = new Map<string, Rec>();
  for (let i = 0; i < n; i++) {
    const port = distinct ? 10000 + i : 8080;
    m.set(`pool/p${i}`, {
      ...parsePool(`p${i}`, { members: [{ address: `127.0.0.1:${port}` }] }),
      ...meta,
    } as unknown as Rec);
    m.set(`site/s${i}`, {
      ...parseSite(`s${i}`, { server_names: [`s${i}.bench.test`], default_pool: `p${i}` }),
      ...meta,
    } as unknown as Rec);
  }
  return m;
}

async function nginxT(n: number, distinct: boolean, share: boolean, reps: number) {
  const ctx: RenderContext = {
    http_port: 18080,
    https_port: 18443,
    bind_address: "127.0.0.1",
    acme_webroot: "/tmp/sy-bench-acme",
    features: featuresFor("1.22.1"),
    templates: makeTemplates(),
    share_upstreams: share,
  };
  const files = renderTree(records(n, distinct), ctx);
  const prefix = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-bench-ups-" });
  try {
    for (const d of ["current", "logs", "tmp"]) await Deno.mkdir(`${prefix}/${d}`);
    // The agent's own private nginx.conf (its includes point at `current/`).
    const conf = privateNginxConf({
      nginx_bin: "nginx",
      prefix,
      nginx_conf: `${prefix}/nginx.conf`,
      nginx_dir: prefix,
      nginx_pid_file: `${prefix}/logs/nginx.pid`,
      http_port: 8080,
      bind_address: "127.0.0.1",
    });
    await Deno.writeTextFile(`${prefix}/nginx.conf`, conf);
    for (const f of files) await Deno.writeTextFile(`${prefix}/current/${f.name}`, f.text);
    const upstreams = files.reduce((k, f) => k + (f.text.match(/^upstream /gm)?.length ?? 0), 0);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      // CPU seconds (user + sys) from /usr/bin/time: what the parse costs whatever else runs.
      const out = await new Deno.Command("/usr/bin/time", {
        args: ["-f", "cpu %U %S", "nginx", "-p", `${prefix}/`, "-c", "nginx.conf", "-t", "-q"],
        stdout: "piped",
        stderr: "piped",
      }).output();
      times.push(performance.now() - t);
      const err = new TextDecoder().decode(out.stderr);
      if (!out.success) throw new Error(err);
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(err);
      if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
    }
    return { upstreams, t: median(times), cpu: median(cpu) };
  } finally {
    await Deno.remove(prefix, { recursive: true });
  }
}

export async function benchUpstreams(sizes: number[]): Promise<void> {
  console.log(
    `\nShared upstreams: \`nginx -t\` of N sites with one pool each (wall / CPU, medians of ${REPS} runs):\n`,
  );
  console.log(
    "| sites | identical pools, one upstream each (share_upstreams off) | identical pools, shared (on) | distinct pools (nothing to share) |",
  );
  console.log("| ---: | ---: | ---: | ---: |");
  for (const n of sizes) {
    const off = await nginxT(n, false, false, REPS);
    const on = await nginxT(n, false, true, REPS);
    const distinct = await nginxT(n, true, true, REPS);
    const s = (x: { t: number; cpu: number; upstreams: number }) =>
      `${(x.t / 1000).toFixed(2)} / ${(x.cpu / 1000).toFixed(2)} s (${
        x.upstreams.toLocaleString("en")
      } upstreams)`;
    console.log(
      `| ${n.toLocaleString("en")} | ${s(off)} | ${s(on)} | ${s(distinct)} |`,
    );
  }
}

if (import.meta.main) {
  const sizes = Deno.args.filter((a) => /^\d+$/.test(a)).map(Number);
  await benchUpstreams(sizes.length ? sizes : [1000, 5000]);
}
