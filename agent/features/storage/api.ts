// The storage endpoints: a site's buckets (sync, promote, ignore, unroute,
// orphans, purge, http bucket routes) under /api/sites/{name}, and a pool's
// bucket status and node configs under /api/pools/{name}.
import { Hono } from "hono";
import { actor, changeResponse, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { invalid, notFound } from "../../errors.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import { syncSite } from "./sync.ts";
import {
  ignoreBucket,
  listSiteBuckets,
  poolBucketStatus,
  promote,
  PromoteSchema,
  unroute,
} from "./routing.ts";
import { purgeOrphan, PurgeSchema, scanOrphans } from "./orphans.ts";
import { addHttpRoute, HttpRouteSchema, listHttpRoutes, removeHttpRoute } from "./http-routes.ts";
import {
  NODE_CONFIG_TYPES,
  nodeConfig,
  nodeConfigSummary,
  type NodeConfigType,
} from "./node-config.ts";
import type { StorageRuntime } from "./settings.ts";

export const siteStorageDocs = new ApiDoc();
export const poolStorageDocs = new ApiDoc();

siteStorageDocs.schema("BucketPromote", PromoteSchema).schema("BucketPurge", PurgeSchema)
  .schema("HttpBucketRoute", HttpRouteSchema);
const S = "/api/sites/{name}";
const d = (path: string, method: string, summary: string, body?: string) =>
  siteStorageDocs.describe(`${S}${path}`, method, {
    tag: "storage",
    summary,
    ...(body ? { body } : {}),
  });
d(
  "/buckets",
  "get",
  "The site's buckets with status and serving pool (?fetch_counts=true: object counts)",
);
d(
  "/buckets/sync",
  "post",
  "ListBuckets on the nanio default pool now: new -> unrouted, gone -> deleted",
);
d("/buckets/orphans", "get", "Routed buckets whose objects are still on the default pool");
d(
  "/buckets/{bucket}/promote",
  "post",
  "Route the bucket to a nanio pool through the apply pipeline (400 naming allow_orphan when objects would be orphaned)",
  "BucketPromote",
);
d("/buckets/{bucket}/ignore", "post", "Mark the bucket ignored (sync leaves it alone)");
d("/buckets/{bucket}/route", "delete", "Remove the bucket's route through the apply pipeline");
d(
  "/buckets/{bucket}/purge-orphan",
  "post",
  "Delete the bucket's orphan objects from the default pool (confirm: the bucket name; refused per D14)",
  "BucketPurge",
);
d(
  "/http-bucket-routes",
  "get",
  "Bucket routes of an http site backed by a nanio pool, and that pool's buckets",
);
d(
  "/http-bucket-routes/{bucket}",
  "post",
  "Route a bucket of the linked nanio pool to the http pool",
  "HttpBucketRoute",
);
d("/http-bucket-routes/{bucket}", "delete", "Remove an http bucket route");
poolStorageDocs.describe("/api/pools/{name}/buckets/status", "get", {
  tag: "storage",
  summary:
    "Each bucket on the pool: routed | via_default | orphaned | unrouted, and the sites serving it",
});
poolStorageDocs.describe("/api/pools/{name}/members/{address}/node-config", "get", {
  tag: "storage",
  summary:
    "Files (path, mode, owner, content) and instructions for one member (?type=nanio-only|nginx-only|nginx-nanio, data_dir, nanio_bin); rendered only",
});
poolStorageDocs.describe("/api/pools/{name}/node-config-summary", "get", {
  tag: "storage",
  summary: "Node config types available for each member of the pool",
});

export function siteStorageRouter(rt: StorageRuntime): Hono {
  const r = new Hono();
  const site = (c: Parameters<typeof param>[0]) => param(c, "name");
  r.get(
    "/buckets",
    async (c) => c.json(await listSiteBuckets(rt, site(c), c.req.query("fetch_counts") === "true")),
  );
  r.post("/buckets/sync", async (c) => c.json(await syncSite(rt, site(c), actor(c))));
  r.get("/buckets/orphans", async (c) => c.json(await scanOrphans(rt, site(c))));
  r.post("/buckets/:bucket/promote", async (c) => {
    const res = await promote(rt, site(c), param(c, "bucket"), await jsonBody(c), actor(c));
    return c.json({
      ...res.record,
      apply: res.apply ?? { status: "unchanged" },
      orphaned_objects: res.orphaned_objects,
      routed_target_missing: res.routed_target_missing,
      ...(res.migration ? { migration: res.migration, from_pool: res.from_pool } : {}),
    });
  });
  r.post(
    "/buckets/:bucket/ignore",
    async (c) => changeResponse(c, await ignoreBucket(rt, site(c), param(c, "bucket"), actor(c))),
  );
  r.delete(
    "/buckets/:bucket/route",
    async (c) => changeResponse(c, await unroute(rt, site(c), param(c, "bucket"), actor(c))),
  );
  r.post(
    "/buckets/:bucket/purge-orphan",
    async (c) =>
      c.json(await purgeOrphan(rt, site(c), param(c, "bucket"), await jsonBody(c), actor(c))),
  );
  r.get("/http-bucket-routes", async (c) => c.json(await listHttpRoutes(rt, site(c))));
  r.post(
    "/http-bucket-routes/:bucket",
    async (c) =>
      changeResponse(
        c,
        await addHttpRoute(rt, site(c), param(c, "bucket"), await jsonBody(c), actor(c)),
      ),
  );
  r.delete(
    "/http-bucket-routes/:bucket",
    async (c) =>
      changeResponse(c, await removeHttpRoute(rt, site(c), param(c, "bucket"), actor(c))),
  );
  return r;
}

async function mustPool(rt: StorageRuntime, name: string): Promise<Pool> {
  const p = await rt.store.get("pool", name);
  if (!p) throw notFound("pool", name);
  return p as unknown as Pool;
}

export function poolStorageRouter(rt: StorageRuntime): Hono {
  const r = new Hono();
  r.get("/buckets/status", async (c) => c.json(await poolBucketStatus(rt, param(c, "name"))));
  r.get(
    "/node-config-summary",
    async (c) => c.json(nodeConfigSummary(await mustPool(rt, param(c, "name")))),
  );
  r.get("/members/:address/node-config", async (c) => {
    const pool = await mustPool(rt, param(c, "name"));
    const type = (c.req.query("type") ??
      (pool.type === "nanio" ? "nanio-only" : "nginx-only")) as NodeConfigType;
    if (!NODE_CONFIG_TYPES.includes(type)) {
      throw invalid("type", `must be one of ${NODE_CONFIG_TYPES.join(", ")}`);
    }
    const workers = c.req.query("workers");
    return c.json(nodeConfig(pool, param(c, "address"), type, {
      data_dir: c.req.query("data_dir"),
      nanio_bin: c.req.query("nanio_bin"),
      workers: workers && /^\d{1,3}$/.test(workers) && +workers > 0 ? Number(workers) : undefined,
    }));
  });
  return r;
}
