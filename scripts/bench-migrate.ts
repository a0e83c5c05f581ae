// A bucket migration against raw rclone (part of `deno task bench`; alone:
// deno run -A scripts/bench-migrate.ts [OBJECTS], default 1000): two nanio pools
// (s3rver behind the SigV4 shim), a bucket of small objects routed to the first,
// then in the same run: `rclone copy` of the bucket to a fresh bucket on the
// second pool (the reference, with the agent's own flags), the agent's
// migration of it to done, and the reference again. Figures: time and objects/s
// of each, the ratio, the migration's phases, and the nginx reloads and
// generations it cost (from GET /api/health and /api/config/status).
// Not a test: it prints figures (the README keeps them).
import { storageSetup } from "../tests/storage/helpers.ts";
import { BUCKET, seedBucket } from "../tests/migrations/helpers.ts";
import { S3_ACCESS_KEY } from "../tests/helpers/s3.ts";
import { SHARED_SECRET } from "../tests/storage/helpers.ts";
import { commonFlags, remoteEnv } from "../agent/features/migrations/rclone.ts";
import { MIGRATIONS } from "../agent/features/migrations/engine.ts";

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function benchMigrate(n: number): Promise<void> {
  const s = await storageSetup(2);
  const rt = s.t.agent.rt;
  try {
    const t0 = performance.now();
    await seedBucket(s, n, false);
    console.log(
      `\nBucket migration: ${n.toLocaleString("en")} objects seeded in ${
        sec(performance.now() - t0)
      }; ` +
        `checkers ${rt.settings.migration_checkers}, transfers ${rt.settings.migration_transfers}`,
    );
    const remotes = s.servers.map((x, i) => ({
      name: i === 0 ? "SRC" : "DST",
      endpoint: x.endpoint,
      region: "us-east-1",
      accessKey: S3_ACCESS_KEY,
      secretKey: SHARED_SECRET,
    }));
    const env = { ...Deno.env.toObject(), ...remoteEnv(remotes) };
    delete env.AWS_CA_BUNDLE; // as the agent does: rclone 1.60 fails on the machine bundle
    const flags = commonFlags({
      checkers: rt.settings.migration_checkers,
      transfers: rt.settings.migration_transfers,
      bwlimit: "",
      statsSeconds: 5,
    });
    const raw = async (to: string) => {
      const start = performance.now();
      const out = await new Deno.Command(rt.settings.rclone_path, {
        args: ["copy", `SRC:${BUCKET}`, `DST:${to}`, ...flags],
        env,
        clearEnv: true,
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).slice(-800));
      const ms = performance.now() - start;
      const copied = (await s.direct[1].listAll(to)).length;
      if (copied !== n) throw new Error(`raw copy to ${to}: ${copied} objects, not ${n}`);
      return ms;
    };
    const before = await raw("raw-before");
    // The split lists the source's open multipart uploads (10 s timeout): s3rver may never answer.
    const p0 = performance.now();
    const uploads = await Promise.race([
      s.direct[0].request("GET", `/${BUCKET}`, { query: { uploads: "" } }).then(() => "answered"),
      new Promise<string>((res) => setTimeout(() => res("no answer"), 12_000)),
    ]);
    const uploadsMs = performance.now() - p0;

    const health0 = (await s.t.api("GET", "/api/health")).body;
    const gen0 = (await s.t.api("GET", "/api/config/status")).body.generation;
    const start = performance.now();
    const r = await s.t.api("POST", "/api/migrations", {
      site: "s3",
      bucket: BUCKET,
      src_pool: "hot",
      dst_pool: "cold",
    });
    if (r.status !== 201) throw new Error(`start: ${JSON.stringify(r.body)}`);
    let m = r.body;
    while (!["done", "error", "cancelled"].includes(m.phase)) {
      await new Promise((res) => setTimeout(res, 25));
      m = (await s.t.api("GET", `/api/migrations/${m.id}`)).body;
    }
    const agent = performance.now() - start;
    if (m.phase !== "done") {
      const log = (await s.t.api("GET", `/api/migrations/${m.id}/log`)).body.log;
      throw new Error(`migration ended ${m.phase}:\n${log.join("\n")}`);
    }
    const health1 = (await s.t.api("GET", "/api/health")).body;
    const gen1 = (await s.t.api("GET", "/api/config/status")).body.generation;
    const onDst = (await s.direct[1].listAll(BUCKET)).length;
    if (onDst !== n) throw new Error(`migrated: ${onDst} objects on cold, not ${n}`);
    const after = await raw("raw-after");

    // The phases from the record: copy passes, the split and its barrier, verify, switch.
    const at = (iso: string) => Date.parse(iso);
    const log = (await s.t.api("GET", `/api/migrations/${m.id}/log`)).body.log as string[];
    const logAt = (p: string) => {
      const l = log.find((x) => x.slice(x.indexOf(" ") + 1).startsWith(p));
      return l ? at(l.slice(0, l.indexOf(" "))) : NaN;
    };
    const passes = m.passes as { phase: string; started: string; ended: string }[];
    const copy = passes.filter((p) => p.phase === "copying");
    const verify = passes.filter((p) => p.phase === "verifying");
    const split = at(m.split_at);
    const phases = [
      ["start → first copy pass", at(copy[0].started) - at(m.started_at)],
      [`copying (${copy.length} passes)`, at(copy.at(-1)!.ended) - at(copy[0].started)],
      ["split: apply + barrier", at(verify[0].started) - split],
      [`verifying (${verify.length} passes)`, at(verify.at(-1)!.ended) - at(verify[0].started)],
      ["switching → done", at(m.ended_at) - logAt("switching")],
    ] as const;
    const ref = (before + after) / 2;
    const reloads = health1.nginx.reloads - health0.nginx.reloads;
    const line = (c: string[]) => `| ${c.join(" | ")} |`;
    console.log(
      "\n" + line(["run", "time", "objects/s", "against raw rclone copy (mean of both)"]),
    );
    console.log(line(["---", "---:", "---:", "---:"]));
    const row = (name: string, ms: number) =>
      console.log(line([name, sec(ms), (n / (ms / 1000)).toFixed(0), (ms / ref).toFixed(2)]));
    row("raw `rclone copy` (before)", before);
    row("agent migration, POST → done", agent);
    row("raw `rclone copy` (after)", after);
    console.log(
      `\nnginx reloads for the migration: ${reloads} (GET /api/health nginx.reloads ` +
        `${health0.nginx.reloads} → ${health1.nginx.reloads}); generations ${gen0} → ${gen1} ` +
        `(${gen1 - gen0}); split in generation ${m.split_generation ?? "?"}, switch in ` +
        `${m.switch_generation ?? "?"}`,
    );
    console.log(`phases: ${phases.map(([k, v]) => `${k} ${sec(v)}`).join("; ")}`);
    console.log(
      `passes: ${
        passes.map((p) => `${p.phase} ${sec(at(p.ended) - at(p.started))}`).join(", ")
      }; ListMultipartUploads on the source: ${uploads} (${sec(uploadsMs)})`,
    );
  } finally {
    await rt.use(MIGRATIONS).stop();
    await s.close();
  }
}

if (import.meta.main) await benchMigrate(Number(Deno.args[0] ?? 1000));
