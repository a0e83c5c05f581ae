// Web UI sessions: an HMAC-signed cookie holding an expiry, keyed by the API
// key, so changing the key logs every browser out.
export const SESSION_COOKIE = "switchyard_session";
export const SESSION_TTL_S = 8 * 3600;

async function hmac(key: string, data: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...sig)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** `ttlS`: the session_ttl setting (default 8 hours). */
export async function newSession(
  apiKey: string,
  now = Date.now(),
  ttlS = SESSION_TTL_S,
): Promise<string> {
  const exp = Math.floor(now / 1000) + ttlS;
  const nonce = crypto.randomUUID().slice(0, 8);
  const body = `${exp}.${nonce}`;
  return `${body}.${await hmac(apiKey, body)}`;
}

export async function verifySession(
  cookie: string,
  apiKey: string,
  now = Date.now(),
): Promise<boolean> {
  const parts = cookie.split(".");
  if (parts.length !== 3) return false;
  const [exp, nonce, sig] = parts;
  if (!/^\d+$/.test(exp) || Number(exp) * 1000 < now) return false;
  if (revoked.has(`${exp}.${nonce}`)) return false;
  return (await hmac(apiKey, `${exp}.${nonce}`)) === sig;
}

/**
 * Sessions ended by a logout before their expiry ("exp.nonce" -> expiry in ms).
 * The cookie is stateless, so without this a copied cookie would outlive the
 * logout. The web UI persists revocations and re-adds them at start.
 */
const revoked = new Map<string, number>();

/** Revokes a session cookie; returns its id ("exp.nonce") and expiry (ms), or null if malformed. */
export function revokeSession(
  cookie: string,
  now = Date.now(),
): { id: string; expiresAt: number } | null {
  const [exp, nonce] = cookie.split(".");
  return markRevoked(`${exp}.${nonce}`, now);
}

/** Marks a session id ("exp.nonce") revoked, e.g. one read back from the state file. */
export function markRevoked(
  id: string,
  now = Date.now(),
): { id: string; expiresAt: number } | null {
  const m = /^(\d+)\.[\w-]+$/.exec(id);
  if (!m) return null;
  for (const [k, at] of revoked) if (at < now) revoked.delete(k);
  const expiresAt = Number(m[1]) * 1000;
  revoked.set(id, expiresAt);
  return { id, expiresAt };
}
