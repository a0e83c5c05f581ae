// Upstream pools: a named set of members rendered as one nginx `upstream`.
import { z } from "zod";
import { duration, hashKey, memberAddress, slug } from "./grammar.ts";
import { grammar, parseWith } from "./validate.ts";
import { invalid } from "../errors.ts";
import { recordMeta } from "./record.ts";

export const LB_METHODS = ["round_robin", "least_conn", "ip_hash", "hash"] as const;

export const MemberSchema = z.strictObject({
  address: grammar(memberAddress, 1100),
  weight: z.number().int().min(1).max(1000).default(1),
  max_fails: z.number().int().min(0).max(1000).default(1),
  fail_timeout: grammar(duration, 16).default("10s"),
  backup: z.boolean().default(false),
  down: z.boolean().default(false),
});

export const PoolSpecSchema = z.strictObject({
  name: grammar(slug, 63).optional(),
  description: z.string().max(1024).default(""),
  lb_method: z.enum(LB_METHODS).default("round_robin"),
  hash_key: grammar(hashKey, 256).optional(),
  hash_consistent: z.boolean().default(false),
  keepalive: z.number().int().min(0).max(10000).default(32),
  members: z.array(MemberSchema).max(1000).default([]),
  ...recordMeta,
});

export type Member = z.output<typeof MemberSchema>;
export type PoolSpec = Omit<z.output<typeof PoolSpecSchema>, keyof typeof recordMeta>;

/** Validates a pool body; `name` comes from the URL and must match the body when given. */
export function parsePool(name: string, body: unknown): PoolSpec & { name: string } {
  const why = slug(name);
  if (why) throw invalid("name", why);
  const p = parseWith(PoolSpecSchema, body);
  if (p.name !== undefined && p.name !== name) {
    throw invalid("name", `body name "${p.name}" does not match the URL name "${name}"`);
  }
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, ...spec } = p;
  return checkPool({ ...spec, name });
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
  const seen = new Set<string>();
  p.members.forEach((m, i) => {
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
