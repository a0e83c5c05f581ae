// Status of a certificate from its file and its record (pure): what the
// operator sees, what the renewal job acts on, and the failure rate limit.
import type { CertSpec, CertStatus } from "./model.ts";
import type { CertInfo } from "./x509.ts";
import type { CertFiles } from "./certbot.ts";

const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** Failed attempts allowed per certificate within one hour (ACME CAs rate-limit failures). */
export const MAX_FAILURES_PER_HOUR = 3;
/** First backoff after a failure; doubles with each failure in the last hour. */
export const BACKOFF_BASE_MS = 5 * 60_000;

export interface CertView {
  name: string;
  domains: string[];
  email?: string;
  status: CertStatus;
  not_before?: string;
  not_after?: string;
  issuer?: string;
  serial?: string;
  /** Names the certificate file covers (subjectAltName). */
  file_domains?: string[];
  sha256?: string;
  files: CertFiles | null;
  /** Sites whose tls.cert names this certificate. */
  sites: string[];
  last_attempt_at?: string;
  last_success_at?: string;
  last_error?: string;
  failures: string[];
  /** Set while the failure rate limit refuses new attempts. */
  next_attempt_after?: string;
  version?: number;
  created_at?: string;
  updated_at?: string;
}

export function sameDomains(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
}

/** Failures still inside the one-hour window. */
export function recentFailures(failures: string[], now: Date): string[] {
  return failures.filter((t) => now.getTime() - Date.parse(t) < HOUR);
}

/** When the rate limit lets the next attempt run, or null when it may run now. */
export function blockedUntil(failures: string[], now: Date): Date | null {
  const recent = recentFailures(failures, now).map(Date.parse).sort((a, b) => a - b);
  if (recent.length < MAX_FAILURES_PER_HOUR) return null;
  return new Date(recent[recent.length - MAX_FAILURES_PER_HOUR] + HOUR);
}

/** Scheduled renewals also back off: 5, 10, 20 minutes after 1, 2, 3 failures in the hour. */
export function backoffUntil(failures: string[], now: Date): Date | null {
  const recent = recentFailures(failures, now).map(Date.parse).sort((a, b) => a - b);
  if (!recent.length) return null;
  const until = recent[recent.length - 1] + BACKOFF_BASE_MS * 2 ** (recent.length - 1);
  return until > now.getTime() ? new Date(until) : null;
}

export function statusOf(
  spec: Pick<CertSpec, "last_error">,
  info: CertInfo | null,
  now: Date,
  renewBeforeDays: number,
): CertStatus {
  if (info && Date.parse(info.not_after) <= now.getTime()) return "expired";
  if (spec.last_error) return "failed";
  if (!info) return "pending";
  if (Date.parse(info.not_after) - now.getTime() < renewBeforeDays * DAY) return "expiring";
  return "active";
}

/** Whether a certificate must be (re)issued: missing, other names, expired or within the window. */
export function needsIssuance(
  domains: string[],
  info: CertInfo | null,
  now: Date,
  renewBeforeDays: number,
): string | null {
  if (!info) return "no certificate yet";
  if (!sameDomains(domains, info.domains)) return "the domains changed";
  const left = Date.parse(info.not_after) - now.getTime();
  if (left <= 0) return "expired";
  if (left < renewBeforeDays * DAY) return `expires in ${Math.floor(left / DAY)} day(s)`;
  return null;
}

export function certView(
  rec: CertSpec & { version?: number; created_at?: string; updated_at?: string },
  info: CertInfo | null,
  files: CertFiles | null,
  sites: string[],
  now: Date,
  renewBeforeDays: number,
): CertView {
  const blocked = blockedUntil(rec.failures ?? [], now);
  return {
    name: rec.name,
    domains: rec.domains,
    ...(rec.email ? { email: rec.email } : {}),
    status: statusOf(rec, info, now, renewBeforeDays),
    ...(info
      ? {
        not_before: info.not_before,
        not_after: info.not_after,
        issuer: info.issuer,
        serial: info.serial,
        file_domains: info.domains,
      }
      : {}),
    ...(rec.sha256 ? { sha256: rec.sha256 } : {}),
    files,
    sites,
    ...(rec.last_attempt_at ? { last_attempt_at: rec.last_attempt_at } : {}),
    ...(rec.last_success_at ? { last_success_at: rec.last_success_at } : {}),
    ...(rec.last_error ? { last_error: rec.last_error } : {}),
    failures: recentFailures(rec.failures ?? [], now),
    ...(blocked ? { next_attempt_after: blocked.toISOString() } : {}),
    version: rec.version,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
  };
}
