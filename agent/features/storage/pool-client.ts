// An S3 client for a nanio pool: a member that answered a health probe (D18:
// never blindly the first), the pool's sealed credentials opened only here (or
// the s3_* settings), the pool's region, and the s3_request_timeout.
import { AgentError, invalid, notFound } from "../../errors.ts";
import { importSecret, unsealRecord } from "../../store/secrets.ts";
import type { Rec } from "../../store/store.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import { DEFAULT_REGION } from "../../kinds/pool/schema.ts";
import { POOL_SECRET_FIELDS } from "../../kinds/pool/credentials.ts";
import { S3Client } from "./s3-client.ts";
import { fetchRefusesPort, httpGet } from "../../http-get.ts";
import type { StorageRuntime } from "./settings.ts";

const PROBE_MS = 3000;

/** Any HTTP answer from the member counts: the node is up (S3 answers / with 403 unsigned). */
export async function probeMember(address: string, timeoutMs = PROBE_MS): Promise<boolean> {
  const url = `http://${address}/`;
  try {
    await httpGet(url, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}

export async function nanioPool(rt: StorageRuntime, name: string): Promise<Pool & Rec> {
  const p = await rt.store.get("pool", name);
  if (!p) throw notFound("pool", name);
  if (p.type !== "nanio") throw invalid("pool", `pool "${name}" is not a nanio pool`);
  return p as unknown as Pool & Rec;
}

/** The pool's credentials in clear, for signing only. */
export async function poolCredentials(
  rt: StorageRuntime,
  pool: Pool,
): Promise<{ accessKey: string; secretKey: string }> {
  if (pool.credentials?.access_key && pool.credentials.secret_key) {
    const open = await unsealRecord(
      POOL_SECRET_FIELDS,
      pool as unknown as Record<string, unknown>,
      await importSecret(String(rt.settings.secret ?? "")),
    ) as unknown as Pool;
    return { accessKey: open.credentials!.access_key, secretKey: open.credentials!.secret_key! };
  }
  if (rt.settings.s3_access_key && rt.settings.s3_secret_key) {
    return { accessKey: rt.settings.s3_access_key, secretKey: rt.settings.s3_secret_key };
  }
  throw invalid(
    "credentials",
    `nanio pool "${pool.name}" has no credentials and the s3_access_key/s3_secret_key settings are empty`,
  );
}

/**
 * A client on the first enabled member that answers a probe. The S3 client is
 * fetch, which refuses some ports (6000, 10080...): a member there is skipped,
 * and when it is the only one that answers the error says so.
 */
export async function clientForPool(
  rt: StorageRuntime,
  name: string,
  /** Fewer retries of a 5xx, a shorter timeout (a caller that must not wait ~20 s). */
  o: { retries?: number; timeoutMs?: number } = {},
): Promise<S3Client> {
  const pool = await nanioPool(rt, name);
  const creds = await poolCredentials(rt, pool);
  const members = pool.members.filter((m) => !m.down);
  if (!members.length) {
    throw new AgentError("UPSTREAM_UNHEALTHY", `nanio pool "${name}" has no enabled member`, {
      pool: name,
    });
  }
  // The S3 client is fetch: members on a port fetch refuses are asked only to say why none serves.
  const refused = (m: { address: string }) => fetchRefusesPort(`http://${m.address}/`);
  const usable = members.filter((m) => !refused(m));
  const answers = await Promise.all(usable.map((m) => probeMember(m.address)));
  const up = usable.find((_m, i) => answers[i]);
  if (!up) {
    const others = members.filter(refused);
    const heard = await Promise.all(others.map((m) => probeMember(m.address)));
    if (heard.some(Boolean)) {
      throw new AgentError(
        "UPSTREAM_UNHEALTHY",
        `nanio pool "${name}": the members that answer (${
          others.filter((_m, i) => heard[i]).map((m) => m.address).join(", ")
        }) are on ports the agent's S3 client (fetch) refuses; give one member another port`,
        { pool: name },
      );
    }
  }
  if (!up) {
    throw new AgentError(
      "UPSTREAM_UNHEALTHY",
      `no member of nanio pool "${name}" answers (${members.map((m) => m.address).join(", ")})`,
      { pool: name },
    );
  }
  return new S3Client({
    endpoint: `http://${up.address}`,
    region: pool.region ?? DEFAULT_REGION,
    ...creds,
    timeoutMs: Math.min(rt.settings.s3_request_timeout * 1000, o.timeoutMs ?? Infinity),
    retries: o.retries,
  });
}
