// Orphans: objects a routed bucket left on its site's default pool (a promote
// with allow_orphan, a finished migration). Purge deletes them, and is refused
// (D14) when the routed pool is the purged pool (a promote to the same pool
// would delete live data), while the bucket migrates, or when the bucket is not
// in the orphan set. It asks for the bucket name typed back and is audited with
// the count deleted.
import { z } from "zod";
import { AgentError, invalid } from "../../errors.ts";
import { parseWith } from "../../model/validate.ts";
import { serviceKey } from "../../runtime.ts";

import { clientForPool } from "./pool-client.ts";
import {
  bucketPut,
  bucketSpec,
  mustBucket,
  nanioSite,
  siteBuckets,
  writeBuckets,
} from "./records.ts";
import type { StorageRuntime } from "./settings.ts";

/**
 * The migrations feature provides this: why a purge of (site, bucket) must wait
 * (a non-terminal migration), or null. Without it only the `migrating` status counts.
 */
export const MIGRATION_GUARD = serviceKey<(site: string, bucket: string) => Promise<string | null>>(
  "storage-migration-guard",
);

/**
 * The migrations feature provides this too: starts moving (site, bucket) from
 * one pool to another and answers the migration's id and phase (promote with
 * `migrate: true`). Without it such a promote is refused.
 */
export const BUCKET_MIGRATOR = serviceKey<
  (
    req: { site: string; bucket: string; src_pool: string; dst_pool: string },
    actor: string,
  ) => Promise<{ id: string; phase: string; cascade_warnings: string[] }>
>("storage-bucket-migrator");

export interface Orphan {
  bucket: string;
  routed_pool: string;
  default_pool: string;
  objects: number;
  sample: string[];
}

/** Routed buckets (to another pool) whose bucket on the default pool still holds objects. */
export async function scanOrphans(
  rt: StorageRuntime,
  siteName: string,
): Promise<{ site: string; default_pool: string; orphans: Orphan[] }> {
  const { pool } = await nanioSite(rt, siteName);
  const client = await clientForPool(rt, pool.name);
  const present = new Set(await client.listBuckets());
  const orphans: Orphan[] = [];
  for (const b of await siteBuckets(rt, siteName)) {
    if (b.status !== "routed" || b.routed_pool === pool.name || b.http || !present.has(b.bucket)) {
      continue;
    }
    const objs = await client.listAll(b.bucket);
    if (!objs.length) continue;
    orphans.push({
      bucket: b.bucket,
      routed_pool: b.routed_pool!,
      default_pool: pool.name,
      objects: objs.length,
      sample: objs.slice(0, 10).map((o) => o.key),
    });
  }
  return { site: siteName, default_pool: pool.name, orphans };
}

export const PurgeSchema = z.strictObject({ confirm: z.string().max(63) });

export async function purgeOrphan(
  rt: StorageRuntime,
  siteName: string,
  bucket: string,
  body: unknown,
  actor: string,
): Promise<{ bucket: string; pool: string; deleted: number; errors: string[] }> {
  const req = parseWith(PurgeSchema, body);
  const { pool } = await nanioSite(rt, siteName);
  const b = await mustBucket(rt, siteName, bucket);
  if (req.confirm !== bucket) {
    throw invalid("confirm", `type the bucket name (${bucket}) to confirm the purge`);
  }
  const refuse = (why: string) =>
    new AgentError("CONFLICT", `purge of ${bucket} refused: ${why}`, { bucket, pool: pool.name });
  if (b.routed_pool === pool.name) {
    throw refuse(
      `it is routed to ${pool.name}, the pool it would be purged from: those objects are live`,
    );
  }
  if (b.status === "migrating") throw refuse("it is migrating");
  const guard = rt.tryUse(MIGRATION_GUARD);
  const waiting = guard ? await guard(siteName, bucket) : null;
  if (waiting) throw refuse(waiting);
  const scan = await scanOrphans(rt, siteName);
  if (!scan.orphans.some((o) => o.bucket === bucket)) {
    throw refuse(
      `it is not in the orphan set of site ${siteName} (nothing of it is left on ${pool.name})`,
    );
  }
  const client = await clientForPool(rt, pool.name);
  const keys = (await client.listAll(bucket)).map((o) => o.key);
  const res = await client.deleteObjects(bucket, keys);
  await writeBuckets(
    rt,
    () =>
      Promise.resolve({
        ops: [bucketPut({
          ...bucketSpec(b),
          last_purge: { at: rt.store.now().toISOString(), pool: pool.name, deleted: res.deleted },
        }, b.version)],
        message: `deleted ${res.deleted} orphan object(s) of ${bucket} from pool ${pool.name}${
          res.errors.length ? `; ${res.errors.length} error(s)` : ""
        }`,
      }),
    actor,
    "bucket.purge-orphan",
  );
  return { bucket, pool: pool.name, deleted: res.deleted, errors: res.errors };
}
