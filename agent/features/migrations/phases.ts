// The phases of one migration, each a step from one persisted state to the
// next (so a restart continues at the persisted phase, D17): copying passes
// until the spec's rules say split; the split (persist split_at, apply, barrier,
// pin multipart uploads begun on the source); verify passes (copy --update,
// both listings, the agent's own diff); the one-commit switch; abort to source.
import { AgentError } from "../../errors.ts";
import type { WriteOp } from "../../store/store.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import { bucketPut, bucketSpec, clientForPool, getBucket, type S3Client } from "../storage/mod.ts";
import { BUCKET_KIND } from "../storage/mod.ts";
import { errorLines, type Rclone, type Stats } from "./rclone.ts";
import type { Barrier } from "./barrier.ts";
import { type MigrationRec, save } from "./records.ts";
import { writeListing } from "./listings.ts";
import type { Pass } from "./kind.ts";
import type { MigrationRuntime } from "./settings.ts";

export interface Progress {
  phase: string;
  pass: number;
  bytes: number;
  total_bytes: number;
  objects: number;
  total_objects: number;
  rate: number;
  eta: number | null;
  waiting_for: string[];
}

export interface Ctx {
  rt: MigrationRuntime;
  rclone: Rclone;
  barrier: Barrier;
  signal: AbortSignal;
  progress: Progress;
}

export class Cancelled extends Error {}

export const SRC = (m: MigrationRec) => `src:${m.bucket}`;
export const DST = (m: MigrationRec) => `dst:${m.bucket}`;

export function onStats(cx: Ctx) {
  return (s: Stats) => {
    Object.assign(cx.progress, {
      bytes: s.bytes,
      total_bytes: s.totalBytes,
      objects: s.transfers,
      total_objects: s.totalTransfers,
      rate: s.speed,
      eta: s.eta,
    });
  };
}

function checkAbort(cx: Ctx) {
  if (cx.signal.aborted) throw new Cancelled("stopped");
}

async function pass(
  cx: Ctx,
  _m: MigrationRec,
  phase: Pass["phase"],
  n: number,
  run: () => Promise<{ stats: Stats | null; code: number; stderr: string }>,
): Promise<Pass> {
  cx.progress.pass = n;
  const started = cx.rt.store.now().toISOString();
  const r = await run();
  checkAbort(cx);
  if (r.code !== 0 && !r.stats) {
    throw new AgentError(
      "UPSTREAM_UNHEALTHY",
      `rclone ${phase} pass ${n} failed (exit ${r.code}): ${errorLines(r.stderr)}`,
    );
  }
  const s = r.stats;
  return {
    phase,
    n,
    transferred: s?.transfers ?? 0,
    bytes: s?.bytes ?? 0,
    checks: s?.checks ?? 0,
    errors: s?.errors ?? (r.code === 0 ? 0 : 1),
    started,
    ended: cx.rt.store.now().toISOString(),
  };
}

/** Copy passes until converged, two passes that did not shrink, or max passes; then the split. */
export async function copying(cx: Ctx, m: MigrationRec): Promise<MigrationRec> {
  const verb = m.mode === "sync" ? "sync" : "copy"; // sync only before the split (D6)
  const passes: Pass[] = [];
  let notShrinking = 0;
  for (let n = 1; n <= cx.rt.settings.migration_max_copy_passes; n++) {
    const p = await pass(cx, m, "copying", n, async () => {
      const { result, stats } = await cx.rclone.transfer(verb, SRC(m), DST(m), [], {
        signal: cx.signal,
        onStats: onStats(cx),
      });
      return { stats, code: result.code, stderr: result.stderr };
    });
    const prev = passes.at(-1);
    passes.push(p);
    m = (await save(cx.rt, m, { passes: [...m.passes, p] }, {
      action: "migration.pass",
      line:
        `copying pass ${n}: ${p.transferred} transferred (${p.bytes} bytes), ${p.checks} checks, ${p.errors} errors`,
    })).m;
    if (p.transferred === 0 && p.errors === 0) break;
    notShrinking = prev && p.transferred >= prev.transferred ? notShrinking + 1 : 0;
    if (notShrinking >= 2) break; // written faster than copied: the split freezes the source
  }
  checkAbort(cx);
  // The destination as rclone left it, before any client can write to it: the
  // verify passes tell rclone's objects from client writes with it (no clocks).
  await writeListing(cx.rt, m, "at-split", await cx.rclone.lsjson(DST(m), cx.signal));
  // Never skip the split (D7): persist split_at first, then render it.
  const splitAt = new Date(cx.rt.store.now().getTime());
  const s = await save(cx.rt, m, { phase: "write_routing", split_at: splitAt.toISOString() }, {
    action: "migration.phase",
    line:
      `split at ${splitAt.toISOString()}: writes go to ${m.dst}, deletes are mirrored to ${m.src}`,
    apply: true,
  });
  return (await save(cx.rt, s.m, { split_generation: s.generation ?? undefined }, {
    action: "migration.phase",
    line: `split rendered in generation ${s.generation}`,
  })).m;
}

export async function waitBarrier(cx: Ctx, g: number, why: string): Promise<string> {
  cx.progress.waiting_for = [`${why}: generation ${g}`];
  const r = await cx.barrier.wait(g, {
    timeoutMs: (cx.rt.settings.reload_timeout + 120) * 1000,
    signal: cx.signal,
    onWait: (w) => (cx.progress.waiting_for = w),
  });
  checkAbort(cx);
  cx.progress.waiting_for = [];

  if (!r.ok) {
    throw new AgentError(
      "UPSTREAM_UNHEALTHY",
      `${why}: the barrier did not pass: ${r.waiting_for.join("; ")}`,
    );
  }
  return r.waitedMs > 500
    ? ` (the barrier waited ${(r.waitedMs / 1000).toFixed(1)} s for ${r.seen.join("; ")})`
    : "";
}

/** A node answers ListMultipartUploads in milliseconds; some servers never do (s3rver 3.7). */
const UPLOADS_TIMEOUT_MS = 3000;

export async function openUploads(c: S3Client, bucket: string): Promise<string[]> {
  const xml = await Promise.race([
    c.request("GET", `/${bucket}`, { query: { uploads: "" } }).then((r) => r.text()),
    new Promise<string>((_, rej) =>
      setTimeout(() => rej(new Error("ListMultipartUploads timed out")), UPLOADS_TIMEOUT_MS)
    ),
  ]);
  return [...xml.matchAll(/<Upload>[\s\S]*?<UploadId>([^<]+)<\/UploadId>[\s\S]*?<\/Upload>/g)].map((
    x,
  ) => x[1]);
}

/** Re-apply (idempotent), barrier (D8), pin the source's open uploads (D9), then verifying. */
export async function writeRouting(cx: Ctx, m: MigrationRec): Promise<MigrationRec> {
  // On resume the split may not be live yet: apply again (idempotent). Else its generation is.
  const live = m.split_generation !== undefined &&
    (cx.rt.reconciler.currentGeneration ?? -1) >= m.split_generation;
  let s = live ? { m, generation: m.split_generation! } : await save(cx.rt, m, {}, {
    action: "migration.phase",
    line: "applying the split",
    apply: true,
  });
  let waited = await waitBarrier(cx, s.generation ?? 0, "the split");
  let unlisted = "";
  const uploads = await openUploads(await clientForPool(cx.rt, m.src), m.bucket).catch((e) => {
    unlisted = `; ${m.src} did not list its open multipart uploads (${
      (e as Error).message
    }): none pinned to it`;
    return [] as string[];
  });
  if (uploads.length && uploads.join() !== s.m.mpu_on_src.join()) {
    s = await save(cx.rt, s.m, { mpu_on_src: uploads.slice(0, 1000) }, {
      action: "migration.phase",
      line: `${uploads.length} multipart upload(s) begun on ${m.src} stay there: ${
        uploads.join(", ")
      }`,
      apply: true,
    });
    waited += await waitBarrier(cx, s.generation ?? 0, "the upload map");
  }
  return (await save(cx.rt, s.m, { phase: "verifying" }, {
    action: "migration.phase",
    line: `no old nginx worker left: verifying${waited}${unlisted}`,
  })).m;
}

/** Linked http bucket routes of the source's data, flipped to the destination's http pool. */
async function cascade(cx: Ctx, m: MigrationRec): Promise<{ ops: WriteOp[]; sites: string[] }> {
  const pools = (await cx.rt.store.list("pool")) as unknown as (Pool & { name: string })[];
  const srcHttp = new Set(pools.filter((p) => p.source_nanio_pool === m.src).map((p) => p.name));
  const dstHttp = pools.find((p) => p.source_nanio_pool === m.dst)?.name;
  const ops: WriteOp[] = [];
  const sites: string[] = [];
  if (!dstHttp) return { ops, sites };
  for (const b of await cx.rt.store.list(BUCKET_KIND)) {
    const rec = b as unknown as Parameters<typeof bucketSpec>[0];
    if (!rec.http || rec.bucket !== m.bucket || !srcHttp.has(rec.routed_pool ?? "")) continue;
    ops.push(bucketPut({ ...bucketSpec(rec), routed_pool: dstHttp }, rec.version));
    sites.push(rec.site);
  }
  return { ops, sites };
}

/** One atomic commit flips the bucket (and linked http sites) and the phase. */
export async function switching(cx: Ctx, m: MigrationRec): Promise<MigrationRec> {
  const b = await getBucket(cx.rt, m.site, m.bucket);
  if (!b) throw new AgentError("NOT_FOUND", `bucket record ${m.site}/${m.bucket} is gone`);
  const c = await cascade(cx, m);
  const s = await save(cx.rt, m, {
    phase: "switching",
    swept_http_sites: c.sites,
    held: [],
    hold_all: false,
  }, {
    action: "migration.phase",
    line: `switching: bucket ${m.bucket} routed to ${m.dst}${
      c.sites.length ? `, http sites ${c.sites.join(", ")} too` : ""
    }`,
    apply: true,
    ops: [
      bucketPut({ ...bucketSpec(b), status: "routed", routed_pool: m.dst }, b.version),
      ...c.ops,
    ],
  });
  return (await save(cx.rt, s.m, { switch_generation: s.generation ?? undefined }, {
    action: "migration.phase",
    line: `switch rendered in generation ${s.generation}`,
  })).m;
}

/** After the commit: re-apply (idempotent), barrier, done with the source kept as an orphan. */
export async function finishSwitch(cx: Ctx, m: MigrationRec): Promise<MigrationRec> {
  const live = m.switch_generation !== undefined &&
    (cx.rt.reconciler.currentGeneration ?? -1) >= m.switch_generation;
  const s = live ? { m, generation: m.switch_generation! } : await save(cx.rt, m, {}, {
    action: "migration.phase",
    line: "applying the switch",
    apply: true,
  });
  await waitBarrier(cx, s.generation ?? 0, "the switch");
  const at = cx.rt.store.now().toISOString();
  return (await save(cx.rt, s.m, {
    phase: "done",
    ended_at: at,
    orphaned_source: { pool: m.src, bucket: m.bucket, at },
  }, {
    action: "migration.done",
    line:
      `done: ${m.bucket} is served by ${m.dst}; the source copy on ${m.src} is kept as an orphan`,
  })).m;
}
