// Upstream pools: a named set of members rendered as one nginx `upstream`.
import { z } from "zod";
import {
  duration,
  entityName,
  hashKey,
  memberAddress,
  serverName,
  uriPath,
} from "../../model/grammar.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";

export const LB_METHODS = ["round_robin", "least_conn", "ip_hash", "hash"] as const;

/** `http`: today's pools (also when absent); `nanio`: a cluster of S3 nodes (the storage feature). */
export const POOL_TYPES = ["http", "nanio"] as const;
export const DEFAULT_REGION = "us-east-1";

/** What GET answers in place of a credential: the values never leave the agent. */
export const MASKED = "********";

const region = (v: string) =>
  /^[a-z0-9][a-z0-9-]{0,62}$/.test(v) ? null : "must be a region name such as us-east-1";
const s3Key = (v: string) =>
  /^[\x21-\x7e]+$/.test(v) ? null : "must be printable ASCII without spaces";

export const CredentialsSchema = z.strictObject({
  access_key: grammar(s3Key, 1024),
  // Absent or the mask: keep the stored secret (a GET body can be sent back).
  secret_key: grammar(s3Key, 2048).optional(),
});

export const MemberSchema = z.strictObject({
  address: grammar(memberAddress, 1100),
  weight: z.number().int().min(1).max(1000).default(1),
  max_fails: z.number().int().min(0).max(1000).default(1),
  fail_timeout: grammar(duration, 16).default("10s"),
  backup: z.boolean().default(false),
  down: z.boolean().default(false),
});

/** Active health checks of the pool's members (agent/features/health probes them). */
export const HealthCheckSchema = z.strictObject({
  enabled: z.boolean().default(true),
  path: grammar(uriPath, 1024).default("/health"),
  /** Durations as nginx writes them (like the route timeouts). */
  interval: grammar(duration, 16).default("5s"),
  timeout: grammar(duration, 16).default("2s"),
  /** Statuses that count as healthy: [low, high], inclusive. */
  expect_status: z.tuple([
    z.number().int().min(100).max(599),
    z.number().int().min(100).max(599),
  ]).default([200, 399]),
  rise: z.number().int().min(1).max(100).default(2),
  fall: z.number().int().min(1).max(100).default(3),
  /** Host header of the probe (default: the member's address). */
  host: grammar(serverName, 253).optional(),
});

export const PoolSpecSchema = z.strictObject({
  name: grammar(entityName, 127).optional(),
  description: z.string().max(1024).default(""),
  lb_method: z.enum(LB_METHODS).default("round_robin"),
  hash_key: grammar(hashKey, 256).optional(),
  hash_consistent: z.boolean().default(false),
  keepalive: z.number().int().min(0).max(10000).default(32),
  members: z.array(MemberSchema).max(1000).default([]),
  type: z.enum(POOL_TYPES).optional(),
  region: grammar(region, 63).optional(),
  credentials: CredentialsSchema.optional(),
  source_nanio_pool: grammar(entityName, 127).optional(),
  health_check: HealthCheckSchema.optional(),
  ...recordMeta,
});

export type Member = z.output<typeof MemberSchema>;
/** A stored pool's spec with its name. */
export type Pool = PoolSpec & { name: string };

export type HealthCheck = z.output<typeof HealthCheckSchema>;
export type PoolSpec = Omit<z.output<typeof PoolSpecSchema>, keyof typeof recordMeta>;

/** Validates a pool body; `name` comes from the URL and must match the body when given. */
export function parsePool(name: string, body: unknown): PoolSpec & { name: string } {
  const why = entityName(name);
  if (why) throw invalid("name", why);
  // `upstream` is what GET answers (the nginx upstream serving the pool): read-only.
  const p = parseWith(PoolSpecSchema, withoutUpstream(body));
  if (p.name !== undefined && p.name !== name) {
    throw invalid("name", `body name "${p.name}" does not match the URL name "${name}"`);
  }
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, ...spec } = p;
  return checkPool({ ...spec, name });
}

function withoutUpstream(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body) || !("upstream" in body)) {
    return body;
  }
  const { upstream: _u, ...rest } = body as Record<string, unknown>;
  return rest;
}

export function parseMember(address: string, body: unknown): Member {
  const m = parseWith(MemberSchema, { ...(body as object ?? {}), address });
  if (
    body && typeof body === "object" && "address" in body && (body as Member).address !== address
  ) {
    throw invalid("address", "body address does not match the URL address");
  }
  return m;
}

/** Rules that span fields of one pool. */
export function checkPool<T extends PoolSpec & { name: string }>(p: T): T {
  if (p.lb_method === "hash" && !p.hash_key) {
    throw invalid("hash_key", "is required when lb_method is hash");
  }
  if (p.lb_method !== "hash" && p.hash_key) {
    throw invalid("hash_key", "is only used with lb_method hash");
  }
  const nanio = p.type === "nanio";
  if (p.credentials && !nanio) {
    throw invalid("credentials", "only nanio pools have credentials (set type: nanio)");
  }
  if (p.region !== undefined && !nanio) {
    throw invalid("region", "only nanio pools have a region (set type: nanio)");
  }
  if (p.source_nanio_pool !== undefined) {
    if (nanio) throw invalid("source_nanio_pool", "is for http pools serving a nanio pool's data");
    if (p.source_nanio_pool === p.name) throw invalid("source_nanio_pool", "names the pool itself");
  }
  if (nanio && p.region === undefined) p.region = DEFAULT_REGION;
  const hc = p.health_check;
  if (hc && hc.expect_status[0] > hc.expect_status[1]) {
    throw invalid("health_check.expect_status", "must be [low, high] with low <= high");
  }
  const seen = new Set<string>();
  p.members.forEach((m, i) => {
    if (nanio && m.backup) {
      throw invalid(
        `members[${i}].backup`,
        "nanio members are never backup (any node serves any bucket)",
      );
    }
    if (seen.has(m.address)) {
      throw invalid(`members[${i}].address`, `duplicate member ${m.address}`);
    }
    seen.add(m.address);
    if (m.backup && (p.lb_method === "ip_hash" || p.lb_method === "hash")) {
      throw invalid(
        `members[${i}].backup`,
        `lb_method ${p.lb_method} does not support backup members`,
      );
    }
  });
  return p;
}
