// Operator actions on buckets: promote (route to a pool), ignore, unroute, and
// the listings (a site's buckets, a pool's bucket status). Each change is a
// bucket record write applied through the pipeline: the route appears in (or
// leaves) nginx with the generation that carries it.
import { z } from "zod";
import { AgentError, invalid } from "../../errors.ts";
import { parseWith } from "../../model/validate.ts";
import { entityName } from "../../model/grammar.ts";
import { grammar } from "../../model/validate.ts";
import type { Site } from "../../kinds/site/kind.ts";
import { BUCKET_KIND, isRouted } from "./bucket.ts";
import { clientForPool, nanioPool } from "./pool-client.ts";
import {
  bucketPut,
  type BucketRec,
  bucketSpec,
  mustBucket,
  nanioSite,
  siteBuckets,
  writeBuckets,
} from "./records.ts";
import type { StorageRuntime } from "./settings.ts";
import type { ChangeResult } from "../../changes/apply.ts";
import { type Migrated, promoteByMigration } from "./promote-migrate.ts";

export const PromoteSchema = z.strictObject({
  pool: grammar(entityName, 127),
  migrate: z.boolean().default(false),
  allow_orphan: z.boolean().default(false),
});

/** A site route that already answers /B or /B/ would make nginx -t fail (duplicate location). */
export function routeClash(site: Site, bucket: string): string | null {
  const r = site.routes.find((r) =>
    (r.match === "exact" && r.path === `/${bucket}`) ||
    (r.match === "prefix" && (r.path === `/${bucket}/` || r.path === `/${bucket}`))
  );
  return r ? r.name : null;
}

export async function promote(
  rt: StorageRuntime,
  siteName: string,
  bucket: string,
  body: unknown,
  actor: string,
): Promise<
  ChangeResult & { orphaned_objects: boolean; routed_target_missing: boolean } & Partial<Migrated>
> {
  const req = parseWith(PromoteSchema, body);
  const { site, pool: def } = await nanioSite(rt, siteName);
  const b = await mustBucket(rt, siteName, bucket);
  if (b.status === "migrating") {
    throw new AgentError("CONFLICT", `bucket ${bucket} is migrating: wait for its migration`, {
      field: "bucket",
    });
  }
  await nanioPool(rt, req.pool).catch((e) => {
    throw e instanceof AgentError && e.code === "NOT_FOUND" ? invalid("pool", e.message) : e;
  });
  const clash = routeClash(site, bucket);
  if (clash) {
    throw invalid("bucket", `route ${clash} of site ${siteName} already serves /${bucket}`);
  }
  if (req.migrate) {
    const m = await promoteByMigration(rt, siteName, b, def.name, req.pool, actor);
    const now = await mustBucket(rt, siteName, bucket);
    return {
      record: now,
      created: false,
      changed: true,
      apply: null,
      orphaned_objects: false,
      routed_target_missing: false,
      ...m,
    };
  }
  let orphaned = false;
  if (req.pool !== def.name) {
    const src = await clientForPool(rt, def.name);
    orphaned = (await src.headBucket(bucket)) && (await src.hasObjects(bucket));
    if (orphaned && !req.allow_orphan) {
      throw invalid(
        "allow_orphan",
        `bucket ${bucket} holds objects on the default pool ${def.name}: routing it to ${req.pool} without a migration hides them (they become orphans). Set allow_orphan: true to route anyway, or migrate`,
        { bucket, default_pool: def.name, pool: req.pool, has_objects: true },
      );
    }
  }
  const target = await clientForPool(rt, req.pool).catch(() => null);
  const missing = target ? !(await target.headBucket(bucket).catch(() => true)) : false;
  const { routed_target_missing: _m, ...spec } = bucketSpec(b);
  const r = await writeBuckets(
    rt,
    () =>
      Promise.resolve({
        ops: [bucketPut({
          ...spec,
          status: "routed",
          routed_pool: req.pool,
          ...(missing ? { routed_target_missing: true } : {}),
        }, b.version)],
        message: orphaned
          ? "routed with allow_orphan: objects stay on the default pool"
          : undefined,
      }),
    actor,
    "bucket.promote",
  );
  return {
    ...(r ?? { record: b, created: false, changed: false, apply: null }),
    orphaned_objects: orphaned,
    routed_target_missing: missing,
  };
}

export async function ignoreBucket(
  rt: StorageRuntime,
  site: string,
  bucket: string,
  actor: string,
): Promise<ChangeResult> {
  const b = await mustBucket(rt, site, bucket);
  if (b.status === "migrating" || b.status === "routed") {
    throw new AgentError(
      "CONFLICT",
      `bucket ${bucket} is ${b.status}: ${
        b.status === "routed" ? "unroute it first" : "wait for its migration"
      }`,
      { field: "bucket", status: b.status },
    );
  }
  return await writeBuckets(
    rt,
    () => Promise.resolve({ ops: [bucketPut({ ...bucketSpec(b), status: "ignored" }, b.version)] }),
    actor,
    "bucket.ignore",
  ) ?? { record: b, created: false, changed: false, apply: null };
}

/** Removes the route (D16: through the pipeline, so nginx no longer has it). */
export async function unroute(
  rt: StorageRuntime,
  site: string,
  bucket: string,
  actor: string,
): Promise<ChangeResult> {
  const b = await mustBucket(rt, site, bucket);
  if (b.status === "migrating") {
    throw new AgentError(
      "CONFLICT",
      `bucket ${bucket} is migrating: cancel the migration instead`,
      {
        field: "bucket",
      },
    );
  }
  if (b.http) {
    return await writeBuckets(
      rt,
      () =>
        Promise.resolve({
          ops: [{ type: "delete", kind: BUCKET_KIND, name: b.name, ifMatch: b.version }],
        }),
      actor,
      "bucket.unroute",
    ) ?? { record: null, created: false, changed: false, apply: null };
  }
  const { routed_pool: _p, routed_target_missing: _m, ...spec } = bucketSpec(b);
  return await writeBuckets(
    rt,
    () => Promise.resolve({ ops: [bucketPut({ ...spec, status: "unrouted" }, b.version)] }),
    actor,
    "bucket.unroute",
  ) ?? { record: b, created: false, changed: false, apply: null };
}

export interface BucketView extends Record<string, unknown> {
  bucket: string;
  status: string;
  served_by: string | null;
  objects?: number | null;
}

/** A site's buckets, each with the pool that serves it and (on request) its object count. */
export async function listSiteBuckets(
  rt: StorageRuntime,
  siteName: string,
  counts: boolean,
): Promise<{ site: string; default_pool: string | null; buckets: BucketView[] }> {
  const site = (await rt.store.get("site", siteName)) as (Site & { name: string }) | null;
  if (!site) throw invalid("site", `site "${siteName}" does not exist`);
  const recs = await siteBuckets(rt, siteName);
  const served = (b: BucketRec) =>
    isRouted(b) ? b.routed_pool! : b.status === "deleted" ? null : site.default_pool ?? null;
  const clients = new Map<string, Promise<Awaited<ReturnType<typeof clientForPool>> | null>>();
  const client = (p: string) => {
    if (!clients.has(p)) clients.set(p, clientForPool(rt, p).catch(() => null));
    return clients.get(p)!;
  };
  const buckets: BucketView[] = [];
  for (const b of recs) {
    const v: BucketView = { ...b, served_by: served(b) };
    if (counts && v.served_by && !b.http) {
      const c = await client(v.served_by);
      v.objects = c ? await c.listAll(b.bucket).then((o) => o.length, () => null) : null;
    }
    buckets.push(v);
  }
  return { site: siteName, default_pool: site.default_pool ?? null, buckets };
}

/** Each bucket on a pool: routed (a route names the pool), via_default, orphaned or unrouted. */
export async function poolBucketStatus(rt: StorageRuntime, poolName: string) {
  await nanioPool(rt, poolName);
  const names = await (await clientForPool(rt, poolName)).listBuckets();
  const sites = (await rt.store.list("site")) as unknown as (Site & { name: string })[];
  const defaultOf = new Set(sites.filter((s) => s.default_pool === poolName).map((s) => s.name));
  const recs = (await rt.store.list(BUCKET_KIND)) as unknown as BucketRec[];
  return {
    pool: poolName,
    buckets: names.map((bucket) => {
      const mine = recs.filter((r) => r.bucket === bucket);
      const routedHere = mine.filter((r) => isRouted(r) && r.routed_pool === poolName).map((r) =>
        r.site
      );
      const routedAway = mine.filter((r) =>
        isRouted(r) && r.routed_pool !== poolName && defaultOf.has(r.site)
      );
      const viaDefault = [...defaultOf].filter((s) =>
        !mine.some((r) => r.site === s && isRouted(r))
      );
      const status = routedHere.length
        ? "routed"
        : viaDefault.length
        ? "via_default"
        : routedAway.length
        ? "orphaned"
        : "unrouted";
      return {
        bucket,
        status,
        sites: [...routedHere, ...viaDefault],
        ...(routedAway.length
          ? { routed_elsewhere: routedAway.map((r) => ({ site: r.site, pool: r.routed_pool })) }
          : {}),
      };
    }),
  };
}
