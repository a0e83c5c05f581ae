// Secret record fields, sealed at rest. A kind that stores a secret (an S3
// secret key, a DNS API token) names the field in its `secrets` and seals it
// with sealRecord before the record is written: KV, the sidecars next to the
// nginx files, and state backups then only ever hold ciphertext.
//
// Sealed values are AES-256-GCM via WebCrypto, with the key from the `secret`
// setting (32 random bytes, base64; `agent config generate-secret`), and read
// "sealed:v1:<base64(iv | ciphertext+tag)>".
import { AgentError } from "../errors.ts";

export const SEALED_PREFIX = "sealed:v1:";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A new random key for the `secret` setting. */
export function generateSecret(): string {
  return b64(crypto.getRandomValues(new Uint8Array(32)));
}

export async function importSecret(secret: string): Promise<CryptoKey> {
  let raw: Uint8Array;
  try {
    raw = unb64(secret.trim());
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) {
    throw new AgentError(
      "VALIDATION_FAILED",
      "setting secret: must be 32 bytes in base64 (generate one with `agent config generate-secret`)",
      { field: "secret" },
    );
  }
  return await crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
}

export function isSealed(v: unknown): v is string {
  return typeof v === "string" && v.startsWith(SEALED_PREFIX);
}

export async function seal(key: CryptoKey, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext)),
  );
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return SEALED_PREFIX + b64(out);
}

export async function unseal(key: CryptoKey, sealed: string): Promise<string> {
  if (!isSealed(sealed)) throw new AgentError("VALIDATION_FAILED", "value is not sealed");
  const raw = unb64(sealed.slice(SEALED_PREFIX.length));
  try {
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: raw.slice(0, 12) },
      key,
      raw.slice(12),
    );
    return new TextDecoder().decode(pt);
  } catch {
    throw new AgentError(
      "VALIDATION_FAILED",
      "a sealed value cannot be opened with the configured secret (was the secret changed?)",
      { field: "secret" },
    );
  }
}

function getPath(o: Record<string, unknown>, path: string): unknown {
  let cur: unknown = o;
  for (const p of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split(".");
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== "object") return;
    cur = next as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = v;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Seals the secret fields (`paths`, a kind's `secrets`) of a record that are still plain text. */
export async function sealRecord<T extends Record<string, unknown>>(
  paths: readonly string[],
  rec: T,
  key: CryptoKey,
): Promise<T> {
  const out = clone(rec);
  for (const path of paths) {
    const v = getPath(out, path);
    if (typeof v === "string" && v !== "" && !isSealed(v)) setPath(out, path, await seal(key, v));
  }
  return out;
}

/** Opens the sealed secret fields of a record (for the code that uses them, never for output). */
export async function unsealRecord<T extends Record<string, unknown>>(
  paths: readonly string[],
  rec: T,
  key: CryptoKey,
): Promise<T> {
  const out = clone(rec);
  for (const path of paths) {
    const v = getPath(out, path);
    if (isSealed(v)) setPath(out, path, await unseal(key, v));
  }
  return out;
}

/** Secret fields of a record that hold plain text (should be none). */
export function plaintextSecrets(paths: readonly string[], rec: Record<string, unknown>): string[] {
  return paths.filter((p) => {
    const v = getPath(rec, p);
    return typeof v === "string" && v !== "" && !isSealed(v);
  });
}
