// Starting a migration: the pre-flight checks (each refusal names its field),
// then one atomic write that creates the migration record (its claim refuses a
// second migration of the bucket, D13) and sets the bucket `migrating` (D12).
// Also the stale and orphaned lists, and the purge of an orphaned source.
import { z } from "zod";
import { submitChange } from "../../changes/apply.ts";
import { AgentError, invalid } from "../../errors.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { entityName } from "../../model/grammar.ts";
import { DEFAULT_REGION } from "../../kinds/pool/schema.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import type { Rec } from "../../store/store.ts";
import {
  BUCKET_KIND,
  bucketName,
  bucketPut,
  bucketSpec,
  clientForPool,
  getBucket,
  nanioPool,
  nanioSite,
} from "../storage/mod.ts";
import { isTerminal, type MigrationSpec } from "./kind.ts";
import {
  getMigration,
  listMigrations,
  migrationPut,
  type MigrationRec,
  save,
  writeSidecar,
} from "./records.ts";
import type { MigrationRuntime } from "./settings.ts";

export const StartSchema = z.strictObject({
  site: grammar(entityName, 127),
  bucket: grammar(bucketName, 63),
  src_pool: grammar(entityName, 127),
  dst_pool: grammar(entityName, 127),
  mode: z.enum(["copy", "sync"]).default("copy"),
  read_order: z.enum(["source_first", "destination_first"]).default("source_first"),
  /** sync mode into a destination that holds objects. */
  force: z.boolean().default(false),
});

async function poolFor(rt: MigrationRuntime, field: string, name: string): Promise<Pool & Rec> {
  const p = await nanioPool(rt, name).catch((e) => {
    throw invalid(field, (e as Error).message);
  });
  if (!p.members.some((m) => !m.down)) throw invalid(field, `pool "${name}" has no enabled member`);
  return p;
}

function newId(bucket: string, now: Date): string {
  const r = crypto.getRandomValues(new Uint8Array(3));
  const tail = `${now.getTime().toString(36)}${
    [...r].map((b) => b.toString(16).padStart(2, "0")).join("")
  }`;
  return `m-${bucket.replace(/[^a-z0-9-]/g, "-").slice(0, 40)}-${tail}`.replace(/-+/g, "-");
}

export async function startMigration(rt: MigrationRuntime, body: unknown, actor: string) {
  const req = parseWith(StartSchema, body);
  await nanioSite(rt, req.site).catch((e) => {
    throw e instanceof AgentError && e.code === "VALIDATION_FAILED"
      ? e
      : invalid("site", (e as Error).message);
  });
  const src = await poolFor(rt, "src_pool", req.src_pool);
  const dst = await poolFor(rt, "dst_pool", req.dst_pool);
  if (src.name === dst.name) {
    throw invalid("dst_pool", `the destination is the source pool (${src.name})`);
  }
  const [sr, dr] = [src.region ?? DEFAULT_REGION, dst.region ?? DEFAULT_REGION];
  if (sr !== dr) {
    throw invalid(
      "dst_pool",
      `region ${dr} differs from the source's ${sr}: clients sign for one region (D19)`,
    );
  }
  const b = await getBucket(rt, req.site, req.bucket);
  if (!b) {
    throw invalid("bucket", `site ${req.site} has no bucket ${req.bucket} (run a bucket sync)`);
  }
  if (b.status === "migrating") {
    throw new AgentError("CONFLICT", `bucket ${req.bucket} is already migrating`, {
      field: "bucket",
    });
  }
  if (b.status !== "routed" || b.routed_pool !== src.name || b.http) {
    throw invalid(
      "src_pool",
      `bucket ${req.bucket} is not routed to ${src.name} (status ${b.status}, pool ${
        b.routed_pool ?? "none"
      }): promote it to ${src.name} first`,
    );
  }
  const sc = await clientForPool(rt, src.name).catch((e) => {
    throw invalid("src_pool", (e as Error).message);
  });
  if (!(await sc.headBucket(req.bucket))) {
    throw invalid("bucket", `bucket ${req.bucket} does not exist on ${src.name}`);
  }
  if (!(await sc.hasObjects(req.bucket))) {
    throw invalid(
      "bucket",
      `bucket ${req.bucket} is empty on ${src.name}: route it instead of migrating it`,
    );
  }
  const dc = await clientForPool(rt, dst.name).catch((e) => {
    throw invalid("dst_pool", (e as Error).message);
  });
  const dstExists = await dc.headBucket(req.bucket);
  const dstEmpty = !dstExists || !(await dc.hasObjects(req.bucket));
  if (req.mode === "sync" && !dstEmpty && !req.force) {
    throw invalid(
      "force",
      `sync mode deletes what the destination holds: bucket ${req.bucket} on ${dst.name} is not empty (set force: true, or use mode copy)`,
    );
  }
  if (!dstExists) await dc.createBucket(req.bucket);
  const now = rt.store.now();
  const spec: MigrationSpec = {
    name: newId(req.bucket, now),
    site: req.site,
    bucket: req.bucket,
    src: src.name,
    dst: dst.name,
    mode: req.mode,
    read_order: req.read_order,
    phase: "pending",
    dst_empty_at_start: dstEmpty,
    mpu_on_src: [],
    passes: [],
    log: [
      `${now.toISOString()} started by ${actor}: ${req.mode} ${req.bucket} ${src.name} -> ${dst.name}`,
    ],
    started_at: now.toISOString(),
    swept_http_sites: [],
  };
  const results = await rt.store.write(() => ({
    ops: [
      migrationPut(spec, undefined, true),
      bucketPut({ ...bucketSpec(b), status: "migrating" }, b.version),
    ],
    actor,
    action: "migration.start",
    message: `${spec.name}: ${req.bucket} ${src.name} -> ${dst.name} (${req.mode})`,
  }));
  const rec = results[0].after as unknown as MigrationRec;
  await writeSidecar(rt, rec);
  // Applied like any change, so nothing shows as pending until the split; the
  // config is the same (the bucket's sidecar records it migrating), so no reload.
  await submitChange(rt, results);
  return { migration: rec, cascade_warnings: await cascadeWarnings(rt, src.name, req.bucket) };
}

/** http sites serving the source's data that have no route for the bucket: they keep the source. */
async function cascadeWarnings(
  rt: MigrationRuntime,
  src: string,
  bucket: string,
): Promise<string[]> {
  const pools = (await rt.store.list("pool")) as unknown as (Pool & { name: string })[];
  const http = new Set(pools.filter((p) => p.source_nanio_pool === src).map((p) => p.name));
  if (!http.size) return [];
  const sites = (await rt.store.list("site")) as unknown as {
    name: string;
    default_pool?: string;
  }[];
  const routes = (await rt.store.list(BUCKET_KIND)) as unknown as {
    site: string;
    bucket: string;
    http?: boolean;
  }[];
  return sites.filter((s) => s.default_pool && http.has(s.default_pool))
    .filter((s) => !routes.some((r) => r.site === s.name && r.bucket === bucket && r.http))
    .map((s) =>
      `http site ${s.name} serves ${src}'s data through ${s.default_pool} and has no route for ${bucket}: it keeps serving the source after the switch`
    );
}

/** Non-terminal migrations whose pools have no enabled member or whose source bucket vanished. */
export async function staleMigrations(rt: MigrationRuntime) {
  const out: { id: string; phase: string; reasons: string[] }[] = [];
  for (const m of await listMigrations(rt)) {
    if (isTerminal(m.phase)) continue;
    const reasons: string[] = [];
    for (const p of [m.src, m.dst]) {
      const pool = await rt.store.get("pool", p) as (Pool & Rec) | null;
      if (!pool) reasons.push(`pool ${p} is gone`);
      else if (!pool.members.some((x) => !x.down)) reasons.push(`pool ${p} has no enabled member`);
    }
    if (!reasons.length && m.phase !== "switching") {
      // A probe error never marks a migration stale: only a clear "no such bucket".
      const exists = await clientForPool(rt, m.src).then((c) => c.headBucket(m.bucket), () => true);
      if (!exists) reasons.push(`bucket ${m.bucket} is gone from ${m.src}`);
    }
    if (reasons.length) out.push({ id: m.name, phase: m.phase, reasons });
  }
  return { stale: out };
}

export async function orphanedList(rt: MigrationRuntime) {
  return {
    orphaned: (await listMigrations(rt))
      .filter((m) => m.phase === "done" && m.orphaned_source && !m.purged)
      .map((m) => ({ id: m.name, site: m.site, ...m.orphaned_source!, now_on: m.dst })),
  };
}

/** Deletes an orphaned source copy (D14 guards), in DeleteObjects batches of 1000. */
export async function purgeOrphaned(
  rt: MigrationRuntime,
  id: string,
  body: unknown,
  actor: string,
) {
  const req = parseWith(z.strictObject({ confirm: z.string().max(63) }), body);
  const m = await getMigration(rt, id);
  const refuse = (why: string) =>
    new AgentError("CONFLICT", `purge of ${id} refused: ${why}`, { id });
  if (m.phase !== "done" || !m.orphaned_source) {
    throw refuse("it has no orphaned source (not done)");
  }
  if (m.purged) throw refuse(`already purged at ${m.purged.at}`);
  const o = m.orphaned_source;
  if (req.confirm !== o.bucket) {
    throw invalid("confirm", `type the bucket name (${o.bucket}) to confirm the purge`);
  }
  const b = await getBucket(rt, m.site, o.bucket);
  if (b && b.routed_pool === o.pool) {
    throw refuse(`bucket ${o.bucket} is routed to ${o.pool} again: those objects are live`);
  }
  const site = await rt.store.get("site", m.site) as { default_pool?: string } | null;
  if ((!b || b.status !== "routed") && site?.default_pool === o.pool) {
    throw refuse(`bucket ${o.bucket} is served by ${o.pool}, the default pool`);
  }
  const busy = (await listMigrations(rt)).find((x) =>
    !isTerminal(x.phase) && x.bucket === o.bucket
  );
  if (busy) throw refuse(`migration ${busy.name} of ${o.bucket} is ${busy.phase}`);
  const c = await clientForPool(rt, o.pool);
  const keys = (await c.listAll(o.bucket)).map((x) => x.key);
  const res = await c.deleteObjects(o.bucket, keys);
  await save(rt, m, { purged: { at: rt.store.now().toISOString(), deleted: res.deleted } }, {
    action: "migration.purge",
    line: `purged ${res.deleted} object(s) of ${o.bucket} from ${o.pool}${
      res.errors.length ? `; ${res.errors.length} error(s)` : ""
    }`,
    actor,
  });
  return { id, pool: o.pool, bucket: o.bucket, deleted: res.deleted, errors: res.errors };
}
