// nanio pool credentials: sealed before they are written (KV, sidecars and
// backups then hold ciphertext only), kept when a body omits the secret or
// sends the mask back, and masked in every answer.
import { invalid } from "../../errors.ts";
import { importSecret, isSealed, sealRecord } from "../../store/secrets.ts";
import type { Rec } from "../../store/store.ts";
import { MASKED, type PoolSpec } from "./schema.ts";

export const POOL_SECRET_FIELDS = ["credentials.access_key", "credentials.secret_key"] as const;

type Pool = PoolSpec & { name: string };

/** The spec to store: credentials completed from the stored record, then sealed. */
export async function sealPoolCredentials(
  secret: string,
  spec: Pool,
  cur: Rec | null,
): Promise<Pool> {
  const c = spec.credentials;
  if (!c) return spec;
  const stored = (cur?.credentials ?? null) as { access_key?: string; secret_key?: string } | null;
  const keep = (v: string | undefined, old: string | undefined) =>
    v === undefined || v === MASKED ? old : v;
  const access = keep(c.access_key, stored?.access_key);
  const secretKey = keep(c.secret_key, stored?.secret_key);
  if (!access) throw invalid("credentials.access_key", "is required");
  if (!secretKey) throw invalid("credentials.secret_key", "is required");
  const next = { ...spec, credentials: { access_key: access, secret_key: secretKey } };
  if (isSealed(access) && isSealed(secretKey)) return next;
  if (!secret) {
    throw invalid(
      "credentials",
      "sealing credentials needs the `secret` setting (agent config generate-secret --set)",
    );
  }
  return await sealRecord(POOL_SECRET_FIELDS, next, await importSecret(secret));
}

/** A pool as the API shows it: credentials present but never their values. */
export function maskPool<T extends Record<string, unknown> | null>(rec: T): T {
  if (!rec || !rec.credentials) return rec;
  return { ...rec, credentials: { access_key: MASKED, secret_key: MASKED } };
}
