// Expiring entities (Tapis Verts' rounds that end after an hour, preview
// environments): a site, route or proxy may carry `expires_at`, or `ttl` at
// creation, which becomes `expires_at` from the moment it is parsed. The expiry
// feature's job removes them when the time comes.
import { z } from "zod";

const TTL = /^(\d{1,9})(s|m|h|d)?$/;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export const expiryFields = {
  /** When the entity is removed (RFC 3339 time). */
  expires_at: z.string().max(40).refine(
    (v) => /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v)),
    "must be a date-time like 2026-12-01T10:00:00Z",
  ).optional(),
  /** Seconds (or 30s, 15m, 2h, 7d) from now; stored as expires_at. */
  ttl: z.union([
    z.number().int().min(1).max(315360000),
    z.string().regex(TTL, "must be a duration like 2s, 15m, 2h or 7d"),
  ]).optional(),
};

export function ttlSeconds(ttl: number | string): number {
  if (typeof ttl === "number") return ttl;
  const m = TTL.exec(ttl)!;
  return Number(m[1]) * UNIT[m[2] ?? "s"];
}

/** The value with `ttl` turned into `expires_at` (canonical ISO time) and removed. */
export function resolveExpiry<T extends { expires_at?: string; ttl?: number | string }>(
  v: T,
  now = Date.now(),
): T {
  const { ttl, ...rest } = v;
  if (ttl !== undefined) {
    return { ...rest, expires_at: new Date(now + ttlSeconds(ttl) * 1000).toISOString() } as T;
  }
  if (rest.expires_at !== undefined) {
    return { ...rest, expires_at: new Date(rest.expires_at).toISOString() } as T;
  }
  return rest as T;
}

/** Seconds left before `expires_at` (negative once it passed); null without one. */
export function remainingSeconds(expiresAt: unknown, now = Date.now()): number | null {
  if (typeof expiresAt !== "string") return null;
  return Math.round((Date.parse(expiresAt) - now) / 1000);
}
