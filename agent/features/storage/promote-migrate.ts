// Promote with `migrate: true`: the bucket's objects move to the target pool by
// a migration (the migrations feature provides the starter). A bucket served by
// the site's default pool through no route of its own is first routed to that
// pool (what nginx serves does not change), since a migration moves a routed one.
import { AgentError, invalid } from "../../errors.ts";
import { BUCKET_MIGRATOR } from "./orphans.ts";
import { bucketPut, type BucketRec, bucketSpec, writeBuckets } from "./records.ts";
import type { StorageRuntime } from "./settings.ts";

export interface Migrated {
  migration: { id: string; phase: string; cascade_warnings: string[] };
  from_pool: string;
}

export async function promoteByMigration(
  rt: StorageRuntime,
  site: string,
  b: BucketRec,
  defaultPool: string,
  pool: string,
  actor: string,
): Promise<Migrated> {
  const start = rt.tryUse(BUCKET_MIGRATOR);
  if (!start) {
    throw invalid(
      "migrate",
      "this agent runs without the migrations feature: promote without migrate",
    );
  }
  const from = b.status === "routed" && b.routed_pool ? b.routed_pool : defaultPool;
  if (from === pool) {
    throw invalid(
      "pool",
      `bucket ${b.bucket} is already served by pool ${pool}: nothing to migrate`,
    );
  }
  if (b.status !== "routed") {
    const { routed_target_missing: _m, ...spec } = bucketSpec(b);
    await writeBuckets(
      rt,
      () =>
        Promise.resolve({
          ops: [bucketPut({ ...spec, status: "routed", routed_pool: from }, b.version)],
          message: `routed to ${from} (its default pool) before migrating to ${pool}`,
        }),
      actor,
      "bucket.promote",
    );
  }
  try {
    const migration = await start(
      { site, bucket: b.bucket, src_pool: from, dst_pool: pool },
      actor,
    );
    return { migration, from_pool: from };
  } catch (e) {
    // The pre-flight names dst_pool; to this caller the field is `pool`.
    if (
      e instanceof AgentError && (e.detail as { field?: string } | undefined)?.field === "dst_pool"
    ) {
      throw invalid("pool", e.message);
    }
    throw e;
  }
}
