// certbot's --manual hooks in a fleet (store = "etcd"): `agent acme
// publish-challenge` puts the HTTP-01 key authorization on
// `acme/challenges/<token>` (a 10-minute lease: a certbot that died leaves
// nothing behind for long) and returns once every registered node wrote it
// into its webroot (its ack) and applied the generation that names the
// certificate's domains, so the CA may reach any node. `agent acme
// cleanup-challenge` removes the key and the acks (nodes then delete the file).
import { AgentError, invalid } from "../../errors.ts";
import type { Etcd } from "../../fleet/etcd.ts";
import { checkedToken, type FleetKeys } from "../../fleet/keys.ts";
import { readFleet } from "../../fleet/status.ts";
import { type Waiting, waitingFor } from "../../fleet/waiting.ts";

/** The env var naming the run's context file (written by the controller, 0600). */
export const HOOK_CONTEXT_ENV = "SWITCHYARD_ACME_CONTEXT";
/** The lease a challenge lives on: certbot's whole run fits well within it. */
export const CHALLENGE_TTL = 600;

/** What the controller tells its hooks about the run (the context file). */
export interface HookContext {
  /** The etcd settings (endpoints, cluster, TLS files, auth) of the fleet. */
  settings: Record<string, string>;
  /** Generation every node must have applied (its nginx answers for the domains). */
  generation: number;
  timeout_s: number;
  /** Where a hook's failure is written for the controller (certbot only logs it). */
  error_file: string;
}

export interface ChallengeValue {
  key_authorization: string;
  domain: string;
  at: string;
}

/** The named env vars, or an error naming the first one missing. */
export function requireEnv(
  env: Record<string, string | undefined>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = env[n];
    if (!v) {
      throw new AgentError(
        "VALIDATION_FAILED",
        `${n} is not set: this command is certbot's --manual hook (the fleet's controller runs it)`,
        { field: n },
      );
    }
    out[n] = v;
  }
  return out;
}

/** Registered nodes without an ack, then those behind the generation. Pure. */
export function missingNodes(
  nodes: Awaited<ReturnType<typeof readFleet>>["nodes"],
  acked: ReadonlySet<string>,
  generation: number,
): Waiting[] {
  const out: Waiting[] = nodes.filter((n) => n.registered && !acked.has(n.name)).map((n) => ({
    node: n.name,
    why: n.status
      ? "did not write the token into its webroot"
      : "no status: not reported yet, or its lease expired (down or cut off from etcd)",
  }));
  for (const w of waitingFor(nodes, generation)) {
    if (!out.some((o) => o.node === w.node)) out.push(w);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PublishInput {
  token: string;
  keyAuthorization: string;
  domain: string;
  generation: number;
  timeoutMs: number;
  pollMs?: number;
}

/** Publishes a challenge and waits for every registered node; the nodes it reached. */
export async function publishChallenge(
  etcd: Etcd,
  keys: FleetKeys,
  p: PublishInput,
): Promise<string[]> {
  const key = keys.challenge(p.token);
  if (!/^[A-Za-z0-9_.-]+$/.test(p.keyAuthorization)) {
    throw invalid("CERTBOT_VALIDATION", "not an ACME key authorization (token.thumbprint)");
  }
  const lease = await etcd.grant(CHALLENGE_TTL);
  const value: ChallengeValue = {
    key_authorization: p.keyAuthorization,
    domain: p.domain,
    at: new Date().toISOString(),
  };
  await etcd.put(key, JSON.stringify(value), { lease: lease.id });
  const deadline = Date.now() + p.timeoutMs;
  let missing: Waiting[] = [];
  while (true) {
    const [fleet, acks] = await Promise.all([
      readFleet(etcd, keys),
      etcd.range(keys.acks(p.token), { prefix: true }),
    ]);
    const acked = new Set(acks.kvs.map((kv) => kv.key.slice(keys.acks(p.token).length)));
    missing = missingNodes(fleet.nodes, acked, p.generation);
    if (!missing.length) return [...acked].sort();
    if (Date.now() >= deadline) break;
    await sleep(Math.min(p.pollMs ?? 100, Math.max(0, deadline - Date.now())));
  }
  throw new AgentError(
    "SSL_ISSUANCE_FAILED",
    `challenge for ${p.domain} not on every node within ${Math.round(p.timeoutMs / 1000)} s: ` +
      missing.map((m) => `${m.node} (${m.why})`).join(", ") +
      " (fence a node that is gone for good: agent fleet remove-node NODE --yes)",
    { domain: p.domain, token: p.token, waiting_for: missing },
  );
}

/** Removes a challenge and its acks (revoking its lease takes both at once). */
export async function cleanupChallenge(etcd: Etcd, keys: FleetKeys, token: string): Promise<void> {
  const kv = await etcd.get(keys.challenge(checkedToken(token)));
  if (kv?.lease && kv.lease !== "0") await etcd.revoke(kv.lease).catch(() => {});
  await etcd.delete(keys.challenge(token));
  await etcd.delete(keys.acks(token), { prefix: true });
}
