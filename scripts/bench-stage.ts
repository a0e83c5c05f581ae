// Stage only what changed: writing a generation (stage, commit with its live
// tree, swap) at N sites, for a tree written whole (what every apply paid before,
// and still the first apply after a start) against one site changed on a tree
// written by this process (a hard link per unchanged backup file; only the
// changed files written in the live tree). Synthetic files of the real shape:
// a pool and a site file and their two sidecars per site. Not a test: it prints figures.
// Alone: deno run -A scripts/bench-stage.ts 1000 5000
import { Generations } from "../agent/nginx/generations.ts";
import type { RenderedFile } from "../agent/render/tree.ts";
import type { Rec } from "../agent/store/store.ts";
import { tempDir } from "../tests/helpers/agent.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function tree(n: number, changed: number) {
  const files: RenderedFile[] = [];
  const records = new Map<string, Rec>();
  const at = "2026-12-02T00:00:00.000Z";
  for (let i = 0; i < n; i++) {
    const v = i === changed ? 2 : 1;
    files.push({
      name: `pool-p${i}.conf`,
      text: `upstream p${i} {\n    server 127.0.0.1:8080;\n    keepalive 16;\n}\n`,
      entity: { kind: "pool", name: `p${i}` },
    });
    files.push({
      name: `site-s${i}.conf`,
      text: `server {\n    listen 80;\n    server_name s${i}-v${v}.bench;\n` +
        `    location / {\n        proxy_pass http://p${i};\n    }\n}\n`,
      entity: { kind: "site", name: `s${i}` },
    });
    const rec = (name: string, spec: Record<string, unknown>) =>
      ({ name, version: v, created_at: at, updated_at: at, ...spec }) as Rec;
    records.set(`pool/p${i}`, rec(`p${i}`, { members: [{ address: "127.0.0.1:8080" }] }));
    records.set(`site/s${i}`, rec(`s${i}`, { server_names: [`s${i}-v${v}.bench`] }));
  }
  return { files, records };
}

async function write(g: Generations, n: number, changed: number): Promise<number> {
  const { files, records } = tree(n, changed);
  const t = performance.now();
  const staged = await g.stage(files, records, `h${changed}`, {});
  const gen = await g.commit(staged);
  await g.swap(gen);
  return performance.now() - t;
}

export async function benchStage(sizes: number[]): Promise<void> {
  console.log(
    "\nStage only what changed (stage + commit + swap of a generation; synthetic tree, " +
      "4 files per site; medians of 3 runs, 1 from 5,000 sites):\n",
  );
  console.log("| sites | files | whole tree written | one site changed | whole / changed |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const n of sizes) {
    const reps = n >= 5000 ? 1 : 3;
    const whole: number[] = [];
    const one: number[] = [];
    for (let r = 0; r < reps; r++) {
      const dir = await tempDir("stage");
      // A fresh Generations knows no tree: it writes every file, as each apply did before.
      whole.push(await write(new Generations(dir), n, -1));
      const g = new Generations(dir);
      await g.init();
      await write(g, n, -1); // a tree this process wrote: the base of the next one
      await write(g, n, 0); // the spare live tree now exists too
      one.push(await write(g, n, r + 1));
      await Deno.remove(dir, { recursive: true });
    }
    const [w, o] = [median(whole), median(one)];
    console.log(
      `| ${n.toLocaleString("en")} | ${n * 4} | ${w.toFixed(0)} ms | ${o.toFixed(0)} ms | ${
        (w / o).toFixed(1)
      } |`,
    );
  }
}

if (import.meta.main) {
  const sizes = Deno.args.filter((a) => /^\d+$/.test(a)).map(Number);
  await benchStage(sizes.length ? sizes : [1000, 5000]);
}
