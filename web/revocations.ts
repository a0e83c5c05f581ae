// Logged-out sessions survive an agent restart: each revocation is kept in the
// state file until the session would have expired anyway (Deno KV expireIn),
// and read back into the in-memory list of agent/api/session.ts at start.
import { markRevoked } from "../agent/api/session.ts";

const PREFIX = "ui_session_revoked";

export async function persistRevocation(
  kv: Deno.Kv,
  id: string,
  expiresAt: number,
): Promise<void> {
  const ttl = expiresAt - Date.now();
  if (ttl <= 0) return;
  await kv.set([PREFIX, id], expiresAt, { expireIn: ttl });
}

export async function loadRevocations(kv: Deno.Kv): Promise<number> {
  let n = 0;
  for await (const e of kv.list({ prefix: [PREFIX] })) {
    if (markRevoked(String(e.key[1]))) n++;
  }
  return n;
}
