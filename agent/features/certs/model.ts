// Managed certificates (kind "cert"): a name, the domains it covers (HTTP-01,
// so no wildcards) and an optional account email. The rest of the record is
// state the agent writes (last attempt, failures); what the certificate itself
// says (expiry, issuer, serial) is read from its file, never trusted from KV.
import { z } from "zod";
import { isIP } from "node:net";
import { entityName, isHostname } from "../../model/grammar.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";

export const CERT_KIND = "cert";

/** A name an ACME CA validates over HTTP-01: a lower-case host name, no wildcard, no IP. */
export const certDomain = (v: string): string | null => {
  if (v.includes("*")) return "wildcards need DNS-01 validation, which the agent does not do";
  if (v !== v.toLowerCase()) return "must be lower case";
  if (isIP(v.replace(/^\[|\]$/g, ""))) return "must be a host name, not an IP address";
  if (!isHostname(v) || !v.includes(".")) {
    return "must be a fully qualified host name (a-z, 0-9, '-', dots)";
  }
  return null;
};

const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

export const email = (v: string): string | null =>
  EMAIL_RE.test(v) && v.length <= 254 ? null : "must be an email address";

export const CertInputSchema = z.strictObject({
  name: grammar(entityName, 127).optional(),
  domains: z.array(grammar(certDomain, 253)).min(1).max(100),
  email: grammar(email, 254).optional(),
  // Read-only (written by the agent, shown by GET); accepted and ignored so a GET
  // body can be sent back.
  status: z.unknown().optional(),
  not_before: z.unknown().optional(),
  not_after: z.unknown().optional(),
  issuer: z.unknown().optional(),
  serial: z.unknown().optional(),
  sha256: z.unknown().optional(),
  files: z.unknown().optional(),
  sites: z.unknown().optional(),
  last_error: z.unknown().optional(),
  last_attempt_at: z.unknown().optional(),
  last_success_at: z.unknown().optional(),
  failures: z.unknown().optional(),
  next_attempt_after: z.unknown().optional(),
  ...recordMeta,
});

/** What the agent stores for a certificate. */
export interface CertSpec {
  name: string;
  domains: string[];
  email?: string;
  /** Status when the record was last written (the view recomputes it from the file). */
  status: CertStatus;
  last_attempt_at?: string;
  last_success_at?: string;
  /** certbot's message from the last failed attempt; cleared by a success. */
  last_error?: string;
  /** Times of failed attempts within the last hour (the rate limit counts these). */
  failures: string[];
  /** sha256 of fullchain.pem as last issued: a renewal reloads nginx only when it changes. */
  sha256?: string;
}

export type CertStatus = "active" | "pending" | "expiring" | "expired" | "failed";

export function parseCert(
  name: string,
  body: unknown,
): { name: string; domains: string[]; email?: string } {
  const why = entityName(name);
  if (why) throw invalid("name", why);
  const c = parseWith(CertInputSchema, body);
  if (c.name !== undefined && c.name !== name) {
    throw invalid("name", `body name "${c.name}" does not match the URL name "${name}"`);
  }
  const seen = new Set<string>();
  c.domains.forEach((d, i) => {
    if (seen.has(d)) throw invalid(`domains[${i}]`, `"${d}" is listed twice`);
    seen.add(d);
  });
  return { name, domains: c.domains, ...(c.email ? { email: c.email } : {}) };
}
