// Resilience operations at scale, against a real private nginx: a drift check
// (clean, and with one hand-edited file and its diff), rebuild-db from disk into
// an empty state (dry run and real), a state backup, a restore dry run, and a
// rollback. Usage: deno run -A scripts/bench-resilience.ts [SITES]
import { startTestAgent } from "../tests/helpers/agent.ts";
import { httpBackend } from "../tests/helpers/backends.ts";
import { FEATURES } from "../agent/features/index.ts";
import { Store } from "../agent/store/store.ts";
import { runDriftCheck } from "../agent/features/resilience/drift-run.ts";
import { rebuildFromDisk } from "../agent/features/resilience/rebuild.ts";
import { takeBackup } from "../agent/features/resilience/backup-job.ts";
import { restoreBackup } from "../agent/features/resilience/restore.ts";
import { rollback } from "../agent/features/resilience/history.ts";

const n = Number(Deno.args[0] ?? 1000);
const be = httpBackend("be");
const t = await startTestAgent({ features: FEATURES, overrides: { coalesce_ms: 50 } });
const rt = t.agent.rt;

async function time<T>(label: string, fn: () => Promise<T>, runs = 3): Promise<T> {
  const ms: number[] = [];
  let out: T;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    out = await fn();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} median ${ms[Math.floor(ms.length / 2)].toFixed(0).padStart(6)} ms  (min ${
      ms[0].toFixed(0)
    }, max ${ms.at(-1)!.toFixed(0)})`,
  );
  return out!;
}

try {
  await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
  const s0 = performance.now();
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, (_, j) =>
        t.api("PUT", `/api/sites/s${i + j}`, {
          server_names: [`s${i + j}.test`],
          default_pool: "web",
          routes: [{ name: "api", path: "/api/", pool: "web", strip_prefix: true }],
        })),
    );
  }
  const firstGen = (await rt.generations.list()).at(-1)!.generation;
  console.log(`setup: ${n} sites + 1 pool in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
  await time(`drift check, clean (${2 * n + 3} files)`, () => runDriftCheck(rt, { audit: false }));
  const f = `${t.settings.nginx_dir}/current/site-s7.conf`;
  const orig = await Deno.readTextFile(f);
  await Deno.writeTextFile(
    f,
    orig.replace("server_tokens off;", "server_tokens off;\n    gzip on;"),
  );
  await time("drift check, one edited file (with diff)", () => runDriftCheck(rt, { audit: false }));
  await Deno.writeTextFile(f, orig);
  await time(
    "rebuild-db --dry-run",
    () => rebuildFromDisk(rt, { dryRun: true, force: true, actor: "bench" }),
  );
  await time("rebuild-db into an empty state", async () => {
    const empty = new Store(await Deno.openKv(":memory:"), {
      kinds: rt.kinds,
      claimContext: rt.settings,
    });
    try {
      return await rebuildFromDisk({ ...rt, store: empty }, {
        dryRun: false,
        force: false,
        actor: "bench",
      });
    } finally {
      empty.close();
    }
  });
  const b = await time("backup (written every time)", async () => {
    const r = await takeBackup(rt, { onlyIfChanged: false });
    return r;
  });
  console.log(
    `backup file: ${
      (b.bytes / 1024 / 1024).toFixed(1)
    } MiB, ${b.records} records, ${b.audit_entries} audit entries`,
  );
  await time("backup, unchanged (skipped)", () => takeBackup(rt, { onlyIfChanged: true }));
  await time(
    "restore --dry-run",
    () => restoreBackup(rt, b.path, { dryRun: true, actor: "bench" }),
  );
  await time(
    `rollback to generation ${firstGen} (1 pool, no sites)`,
    () => rollback(rt, firstGen, "bench"),
    1,
  );
} finally {
  await t.close();
  await be.close();
}
