// The migration kind: one record per migration, written only by the engine (and
// the start/cancel calls). Its claim holds (source pool, bucket) while the
// migration is not terminal, so a second one is refused atomically by the store
// (D13). The record renders nothing itself: split.ts turns its phase into the
// bucket's routing. Its sidecar (and migrations/<id>.json) carry it through
// rebuild-db.
import { z } from "zod";
import type { Kind } from "../../kind.ts";
import { entityName } from "../../model/grammar.ts";
import { grammar } from "../../model/validate.ts";
import { parseWith } from "../../model/validate.ts";
import { recordMeta } from "../../model/record.ts";
import { bucketName } from "../storage/mod.ts";

export const MIGRATION_KIND = "migration";

export const PHASES = [
  "pending",
  "copying",
  "write_routing",
  "verifying",
  "switching",
  "aborting",
  "done",
  "error",
  "cancelled",
] as const;
export type Phase = typeof PHASES[number];
export const TERMINAL: readonly Phase[] = ["done", "error", "cancelled"];
export const isTerminal = (p: Phase) => TERMINAL.includes(p);

const when = z.string().max(64);
const count = z.number().int().min(0);

export const PassSchema = z.strictObject({
  phase: z.enum(PHASES),
  n: z.number().int().min(1),
  transferred: count,
  bytes: count,
  checks: count,
  errors: count,
  missing: count.optional(),
  differ: count.optional(),
  extra: count.optional(),
  started: when,
  ended: when,
});
export type Pass = z.output<typeof PassSchema>;

const PoolBucket = z.strictObject({
  pool: grammar(entityName, 127),
  bucket: z.string().max(63),
  at: when,
});

export const MigrationSchema = z.strictObject({
  name: grammar(entityName, 127).optional(),
  site: grammar(entityName, 127),
  bucket: grammar(bucketName, 63),
  src: grammar(entityName, 127),
  dst: grammar(entityName, 127),
  mode: z.enum(["copy", "sync"]),
  read_order: z.enum(["source_first", "destination_first"]),
  phase: z.enum(PHASES),
  /** The destination held no object at start: extra keys older than split_at are resurrections. */
  dst_empty_at_start: z.boolean(),
  split_at: when.optional(),
  split_generation: z.number().int().optional(),
  switch_generation: z.number().int().optional(),
  mpu_on_src: z.array(z.string().max(256)).max(1000),
  /** Keys whose client writes get 503 SlowDown while a copy writes them (hold.ts). */
  held: z.array(z.string().max(1100)).max(1000).optional(),
  /** Every write to the bucket is held (a held key nginx cannot match exactly). */
  hold_all: z.boolean().optional(),
  passes: z.array(PassSchema).max(1000),
  /** Per-migration log lines (newest last, capped). */
  log: z.array(z.string().max(2000)).max(500),
  started_at: when,
  ended_at: when.optional(),
  orphaned_source: PoolBucket.optional(),
  orphaned_destination: PoolBucket.optional(),
  purged: z.strictObject({ at: when, deleted: count }).optional(),
  swept_http_sites: z.array(z.string().max(63)).max(100),
  cancel: z.strictObject({ force: z.boolean(), at: when }).optional(),
  stranded: z.array(z.string().max(1024)).max(1000).optional(),
  error: z.string().max(4000).optional(),
  ...recordMeta,
});

export type MigrationSpec =
  & Omit<z.output<typeof MigrationSchema>, keyof typeof recordMeta | "name">
  & {
    name: string;
  };

export function parseMigration(name: string, body: unknown): MigrationSpec {
  const m = parseWith(MigrationSchema, body);
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, name: _n, ...spec } = m;
  return { ...spec, name };
}

export const migrationKind: Kind<MigrationSpec> = {
  name: MIGRATION_KIND,
  plural: "migrations",
  internal: true,
  schema: MigrationSchema,
  parse: parseMigration,
  // One non-terminal migration per (pool, bucket), on either end (D13).
  claims: (m) =>
    isTerminal(m.phase)
      ? []
      : [["migration_bucket", m.src, m.bucket], ["migration_bucket", m.dst, m.bucket]],
  describeClaim: (key, holder) => ({
    message: `bucket ${key[2]} on pool ${key[1]} is already being migrated by ${holder}`,
    detail: { field: "bucket", migration: holder },
  }),
  examples: () => [{
    name: "m-photos-1",
    site: "shop",
    bucket: "photos",
    src: "hot",
    dst: "cold",
    mode: "copy",
    read_order: "source_first",
    phase: "copying",
    dst_empty_at_start: true,
    mpu_on_src: [],
    passes: [],
    log: [],
    started_at: "2026-12-01T00:00:00.000Z",
    swept_http_sites: [],
  }],
};
