// The bucket kind: one record per (site, bucket) the agent knows of. Bucket sync
// creates them (unrouted) and marks them deleted; promote routes them to a pool;
// the migrations feature moves them (migrating). The record renders nothing of
// its own: the storage render extension turns routed ones into site locations.
// Its sidecar carries it through rebuild-db like every record.
import { z } from "zod";
import { createHash } from "node:crypto";
import type { Kind } from "../../kind.ts";
import { entityName, slug, SLUG_RE } from "../../model/grammar.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";

export const BUCKET_KIND = "bucket";

export const BUCKET_STATUSES = ["unrouted", "routed", "migrating", "ignored", "deleted"] as const;
export type BucketStatus = typeof BUCKET_STATUSES[number];

/** S3 bucket names as nanio and s3rver accept them (path-style; 3–63 chars). */
export const bucketName = (v: string): string | null =>
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) && !v.includes("..")
    ? null
    : "must be an S3 bucket name: 3-63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit";

export const BucketSchema = z.strictObject({
  name: grammar(slug, 63).optional(),
  site: grammar(entityName, 127),
  bucket: grammar(bucketName, 63),
  status: z.enum(BUCKET_STATUSES),
  routed_pool: grammar(entityName, 127).optional(),
  /** Routed to an http pool serving a nanio pool's data (http-bucket-routes). */
  http: z.boolean().optional(),
  discovered_at: z.string().max(64),
  last_seen_at: z.string().max(64),
  /** Routed, but the bucket is not on the routed pool yet (D15: shown, never unrouted by sync). */
  routed_target_missing: z.boolean().optional(),
  last_purge: z.strictObject({
    at: z.string().max(64),
    pool: grammar(entityName, 127),
    deleted: z.number().int().min(0),
  }).optional(),
  ...recordMeta,
});

export type BucketSpec = Omit<z.output<typeof BucketSchema>, keyof typeof recordMeta | "name"> & {
  name: string;
};

/** The record name of (site, bucket): readable when it can be, a hash when not. */
export function bucketRecordName(site: string, bucket: string): string {
  const plain = `${site}--${bucket}`;
  if (plain.length <= 63 && SLUG_RE.test(plain)) return plain;
  const h = createHash("sha256").update(`${site}/${bucket}`).digest("hex").slice(0, 12);
  return `${site.slice(0, 40)}--b${h}`;
}

export function parseBucket(name: string, body: unknown): BucketSpec {
  const b = parseWith(BucketSchema, body);
  if (bucketRecordName(b.site, b.bucket) !== name) {
    throw invalid(
      "name",
      `a bucket record of ${b.site}/${b.bucket} is named ${bucketRecordName(b.site, b.bucket)}`,
    );
  }
  if (b.status === "routed" && !b.routed_pool) {
    throw invalid("routed_pool", "a routed bucket names its pool");
  }
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, name: _n, ...spec } = b;
  return { ...spec, name };
}

/** Routed (or migrating) buckets are served by their pool. */
export function isRouted(b: Pick<BucketSpec, "status" | "routed_pool">): boolean {
  return (b.status === "routed" || b.status === "migrating") && !!b.routed_pool;
}

export const bucketKind: Kind<BucketSpec> = {
  name: BUCKET_KIND,
  plural: "buckets",
  internal: true,
  schema: BucketSchema,
  parse: parseBucket,
  // A site is deleted with its buckets in mind; a pool cannot go while a bucket is routed to it.
  refs: (b) =>
    b.routed_pool && isRouted(b)
      ? [{ kind: "pool", name: b.routed_pool, field: "routed_pool" }]
      : [],
  examples: () => [
    {
      name: "shop--photos",
      site: "shop",
      bucket: "photos",
      status: "unrouted",
      discovered_at: "2026-12-01T00:00:00.000Z",
      last_seen_at: "2026-12-01T00:00:00.000Z",
    },
    {
      name: "shop--logs",
      site: "shop",
      bucket: "logs",
      status: "routed",
      routed_pool: "cold",
      discovered_at: "2026-12-01T00:00:00.000Z",
      last_seen_at: "2026-12-01T00:00:00.000Z",
    },
  ],
};
