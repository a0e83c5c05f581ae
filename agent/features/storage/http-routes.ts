// http pools backed by a nanio pool (source_nanio_pool): their members serve
// that pool's data directory read-only, so an http site can route a bucket's
// path to them. The routes are bucket records marked `http`.
import { z } from "zod";
import { invalid } from "../../errors.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { entityName } from "../../model/grammar.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import { BUCKET_KIND, bucketName } from "./bucket.ts";
import { clientForPool } from "./pool-client.ts";
import { bucketPut, getBucket, mustSite, siteBuckets, writeBuckets } from "./records.ts";
import { routeClash } from "./routing.ts";
import type { StorageRuntime } from "./settings.ts";
import type { ChangeResult } from "../../changes/apply.ts";

export const HttpRouteSchema = z.strictObject({ pool: grammar(entityName, 127).optional() });

async function linkedPool(rt: StorageRuntime, name: string, field: string): Promise<Pool> {
  const p = await rt.store.get("pool", name) as unknown as Pool | null;
  if (!p) throw invalid(field, `pool "${name}" does not exist`);
  if (p.type === "nanio" || !p.source_nanio_pool) {
    throw invalid(field, `pool "${name}" is not an http pool with a source_nanio_pool`);
  }
  return p;
}

export async function listHttpRoutes(rt: StorageRuntime, siteName: string) {
  const site = await mustSite(rt, siteName);
  const pool = site.default_pool ? await linkedPool(rt, site.default_pool, "site") : null;
  const routes = (await siteBuckets(rt, siteName)).filter((b) => b.http);
  let buckets: { bucket: string; routed: boolean }[] = [];
  let error: string | undefined;
  if (pool) {
    try {
      const names = await (await clientForPool(rt, pool.source_nanio_pool!)).listBuckets();
      buckets = names.map((bucket) => ({
        bucket,
        routed: routes.some((r) => r.bucket === bucket),
      }));
    } catch (e) {
      error = (e as Error).message;
    }
  }
  return {
    site: siteName,
    pool: pool?.name ?? null,
    linked_pool: pool?.source_nanio_pool ?? null,
    routes,
    buckets,
    ...(error ? { error } : {}),
  };
}

export async function addHttpRoute(
  rt: StorageRuntime,
  siteName: string,
  bucket: string,
  body: unknown,
  actor: string,
): Promise<ChangeResult> {
  const why = bucketName(bucket);
  if (why) throw invalid("bucket", why);
  const req = parseWith(HttpRouteSchema, body);
  const site = await mustSite(rt, siteName);
  const poolName = req.pool ?? site.default_pool;
  if (!poolName) throw invalid("pool", "the site has no default pool: name the http pool");
  const pool = await linkedPool(rt, poolName, "pool");
  const names = await (await clientForPool(rt, pool.source_nanio_pool!)).listBuckets();
  if (!names.includes(bucket)) {
    throw invalid("bucket", `bucket ${bucket} is not on pool ${pool.source_nanio_pool}`);
  }
  const clash = routeClash(site, bucket);
  if (clash) {
    throw invalid("bucket", `route ${clash} of site ${siteName} already serves /${bucket}`);
  }
  const cur = await getBucket(rt, siteName, bucket);
  if (cur && !cur.http) throw invalid("bucket", `bucket ${bucket} is an S3 bucket of this site`);
  const at = rt.store.now().toISOString();
  return await writeBuckets(
    rt,
    () =>
      Promise.resolve({
        ops: [bucketPut({
          site: siteName,
          bucket,
          status: "routed",
          routed_pool: pool.name,
          http: true,
          discovered_at: cur?.discovered_at ?? at,
          last_seen_at: at,
        }, cur?.version)],
      }),
    actor,
    "bucket.http-route",
  ) ?? { record: cur, created: false, changed: false, apply: null };
}

export async function removeHttpRoute(
  rt: StorageRuntime,
  siteName: string,
  bucket: string,
  actor: string,
): Promise<ChangeResult> {
  const cur = await getBucket(rt, siteName, bucket);
  if (!cur || !cur.http) {
    throw invalid("bucket", `site ${siteName} has no http route for ${bucket}`);
  }
  return await writeBuckets(
    rt,
    () =>
      Promise.resolve({
        ops: [{ type: "delete", kind: BUCKET_KIND, name: cur.name, ifMatch: cur.version }],
      }),
    actor,
    "bucket.http-unroute",
  ) ?? { record: null, created: false, changed: false, apply: null };
}
