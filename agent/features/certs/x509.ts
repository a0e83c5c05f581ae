// What a certificate file says about itself (expiry, issuer, serial, names),
// read with `openssl x509` through exec: the record never overrides the file.
import type { Exec } from "../../exec.ts";

export interface CertInfo {
  serial: string;
  not_before: string;
  not_after: string;
  issuer: string;
  subject: string;
  /** DNS names of the subjectAltName extension. */
  domains: string[];
}

/** Parses `openssl x509 -noout -serial -startdate -enddate -issuer -subject -ext subjectAltName`. */
export function parseX509Text(text: string): CertInfo | null {
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(text)?.[1]?.trim();
  const serial = field("serial");
  const nb = field("notBefore");
  const na = field("notAfter");
  if (!serial || !nb || !na) return null;
  const notBefore = new Date(nb);
  const notAfter = new Date(na);
  if (isNaN(notBefore.getTime()) || isNaN(notAfter.getTime())) return null;
  const san = /Subject Alternative Name:[^\n]*\n\s*(.*)/.exec(text)?.[1] ?? "";
  const domains = san.split(",").map((s) => s.trim()).filter((s) => s.startsWith("DNS:")).map((
    s,
  ) => s.slice(4).toLowerCase());
  return {
    serial: serial.toUpperCase(),
    not_before: notBefore.toISOString(),
    not_after: notAfter.toISOString(),
    issuer: field("issuer") ?? "",
    subject: field("subject") ?? "",
    domains,
  };
}

/** Reads a PEM certificate (the first one of a chain); null when missing or unreadable. */
export async function readCertInfo(exec: Exec, path: string): Promise<CertInfo | null> {
  const r = await exec.run([
    "openssl",
    "x509",
    "-in",
    path,
    "-noout",
    "-serial",
    "-startdate",
    "-enddate",
    "-issuer",
    "-subject",
    "-nameopt",
    "RFC2253",
    "-ext",
    "subjectAltName",
  ], { timeoutMs: 10_000 });
  if (r.code !== 0 || r.dryRun) return null;
  return parseX509Text(r.stdout);
}

/** sha256 (hex) of a file, or null when it does not exist. */
export async function fileSha256(path: string): Promise<string | null> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}
