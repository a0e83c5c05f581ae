// Reading and writing bucket records: the shared helpers of sync, promote,
// orphans and (next) migrations. Every write is one atomic store write, audited,
// then applied through the normal pipeline (D16: a route change rewrites nginx).
import { invalid, notFound } from "../../errors.ts";
import { type Rec, specOf, type WriteOp } from "../../store/store.ts";
import { type ChangeResult, submitChange, writeChange } from "../../changes/apply.ts";
import type { Site } from "../../kinds/site/kind.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import { BUCKET_KIND, bucketName, bucketRecordName, type BucketSpec } from "./bucket.ts";
import type { StorageRuntime } from "./settings.ts";

export type BucketRec = BucketSpec & Rec;

export async function siteBuckets(rt: StorageRuntime, site: string): Promise<BucketRec[]> {
  return ((await rt.store.list(BUCKET_KIND)) as unknown as BucketRec[])
    .filter((b) => b.site === site)
    .sort((a, b) => a.bucket < b.bucket ? -1 : 1);
}

export async function getBucket(
  rt: StorageRuntime,
  site: string,
  bucket: string,
): Promise<BucketRec | null> {
  return await rt.store.get(BUCKET_KIND, bucketRecordName(site, bucket)) as BucketRec | null;
}

export async function mustBucket(
  rt: StorageRuntime,
  site: string,
  bucket: string,
): Promise<BucketRec> {
  const why = bucketName(bucket);
  if (why) throw invalid("bucket", why);
  const b = await getBucket(rt, site, bucket);
  if (!b) {
    throw notFound("bucket", `${site}/${bucket}`);
  }
  return b;
}

export async function mustSite(rt: StorageRuntime, name: string): Promise<Site & Rec> {
  const s = await rt.store.get("site", name);
  if (!s) throw notFound("site", name);
  return s as unknown as Site & Rec;
}

/** A site whose default pool is nanio (the one that owns bucket sync), with that pool. */
export async function nanioSite(
  rt: StorageRuntime,
  name: string,
): Promise<{ site: Site & Rec; pool: Pool & Rec }> {
  const site = await mustSite(rt, name);
  const pool = site.default_pool ? await rt.store.get("pool", site.default_pool) : null;
  if (!pool || pool.type !== "nanio") {
    throw invalid(
      "site",
      `site "${name}" has no nanio default pool (default_pool: ${site.default_pool ?? "none"})`,
    );
  }
  return { site, pool: pool as unknown as Pool & Rec };
}

export function bucketPut(spec: Omit<BucketSpec, "name">, ifMatch?: number): WriteOp {
  const name = bucketRecordName(spec.site, spec.bucket);
  return { type: "put", kind: BUCKET_KIND, name, spec: { ...spec, name }, ifMatch };
}

/** The stored spec of a bucket record, to edit. */
export function bucketSpec(b: BucketRec): Omit<BucketSpec, "name"> {
  const { name: _n, ...spec } = specOf(b) as unknown as BucketSpec;
  return spec;
}

/** Writes bucket ops atomically and applies them; no ops: nothing happens. */
export async function writeBuckets(
  rt: StorageRuntime,
  plan: () => Promise<{ ops: WriteOp[]; message?: string }>,
  actor: string,
  action: string,
): Promise<ChangeResult | null> {
  let empty = false;
  // writeChange: refused while the reconciler holds applies (state loss, rebuild pending).
  const results = await writeChange(rt, async () => {
    const p = await plan();
    empty = p.ops.length === 0;
    return { ops: p.ops, actor, action, message: p.message };
  });
  if (empty) return null;
  return await submitChange(rt, results);
}
