// Bucket sync: ListBuckets on a nanio site's default pool. New buckets become
// `unrouted`, unrouted ones that are gone become `deleted`. It never changes
// `migrating` or `ignored` (D12), and never removes a route (D15): a routed
// bucket missing on its pool is flagged `routed_target_missing` and shown.
import type { WriteOp } from "../../store/store.ts";
import { clientForPool } from "./pool-client.ts";
import { bucketPut, bucketSpec, nanioSite, siteBuckets, writeBuckets } from "./records.ts";
import type { StorageRuntime } from "./settings.ts";

/** last_seen_at is refreshed at most this often (each write is a new generation). */
const SEEN_REFRESH_MS = 3600_000;
/** Bucket puts per atomic write (KV allows 1000 mutations, a put costs a few). */
const BATCH = 100;

export interface SyncReport {
  site: string;
  pool: string;
  buckets: number;
  added: string[];
  deleted: string[];
  reappeared: string[];
  target_missing: string[];
}

export async function syncSite(
  rt: StorageRuntime,
  name: string,
  actor: string,
): Promise<SyncReport> {
  const { pool } = await nanioSite(rt, name);
  const names = new Set(await (await clientForPool(rt, pool.name)).listBuckets());
  // Routed buckets are looked for on their own pool (a fresh promote may not be there yet).
  const onPool = new Map<string, Set<string> | null>([[pool.name, names]]);
  for (const b of await siteBuckets(rt, name)) {
    const p = b.routed_pool;
    if (!p || onPool.has(p) || b.http) continue;
    try {
      onPool.set(p, new Set(await (await clientForPool(rt, p)).listBuckets()));
    } catch {
      onPool.set(p, null); // unknown: the flag stays as it is
    }
  }
  const report: SyncReport = {
    site: name,
    pool: pool.name,
    buckets: names.size,
    added: [],
    deleted: [],
    reappeared: [],
    target_missing: [],
  };
  const plan = async () => {
    const now = rt.store.now();
    const at = now.toISOString();
    const ops: WriteOp[] = [];
    const known = new Map((await siteBuckets(rt, name)).map((b) => [b.bucket, b]));
    for (const bucket of names) {
      const b = known.get(bucket);
      if (!b) {
        report.added.push(bucket);
        ops.push(
          bucketPut({
            site: name,
            bucket,
            status: "unrouted",
            discovered_at: at,
            last_seen_at: at,
          }),
        );
      } else if (b.status === "deleted") {
        report.reappeared.push(bucket);
        ops.push(bucketPut({ ...bucketSpec(b), status: "unrouted", last_seen_at: at }, b.version));
      } else if (now.getTime() - Date.parse(b.last_seen_at) > SEEN_REFRESH_MS) {
        ops.push(bucketPut({ ...bucketSpec(b), last_seen_at: at }, b.version));
      }
    }
    for (const b of known.values()) {
      if (b.http) continue;
      if (!names.has(b.bucket) && b.status === "unrouted") {
        report.deleted.push(b.bucket);
        ops.push(bucketPut({ ...bucketSpec(b), status: "deleted" }, b.version));
        continue;
      }
      if (b.status !== "routed" || !b.routed_pool) continue;
      const there = onPool.get(b.routed_pool);
      if (!there) continue;
      const missing = !there.has(b.bucket);
      if (missing) report.target_missing.push(b.bucket);
      if (missing !== !!b.routed_target_missing && !ops.some((o) => o.name === b.name)) {
        const { routed_target_missing: _r, ...spec } = bucketSpec(b);
        ops.push(
          bucketPut({ ...spec, ...(missing ? { routed_target_missing: true } : {}) }, b.version),
        );
      }
    }
    return { ops };
  };
  const ops = (await plan()).ops;
  // Big first syncs go in batches; each batch re-reads nothing (ops are computed once).
  for (let i = 0; i < ops.length; i += BATCH) {
    const chunk = ops.slice(i, i + BATCH);
    await writeBuckets(rt, () => Promise.resolve({ ops: chunk }), actor, "bucket.sync");
  }
  return report;
}

/** The scheduled job: every site whose default pool is nanio; one failing site does not stop the rest. */
export async function syncAll(rt: StorageRuntime): Promise<SyncReport[]> {
  const out: SyncReport[] = [];
  for (const s of await rt.store.list("site")) {
    const p = s.default_pool ? await rt.store.get("pool", String(s.default_pool)) : null;
    if (p?.type !== "nanio") continue;
    try {
      out.push(await syncSite(rt, s.name, "scheduler"));
    } catch (e) {
      rt.log(`bucket sync of site ${s.name}: ${(e as Error).message}`);
    }
  }
  return out;
}
