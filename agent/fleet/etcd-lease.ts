// Keeps a lease alive in the background: a keepalive every third of its TTL on
// whichever member answers, and a report once it is lost, because etcd said it
// is gone (expired or revoked) or because no member answered for a whole TTL
// (then it has expired, or is about to, on the cluster's side).
import { AgentError } from "../errors.ts";
import type { EtcdTransport } from "./etcd-transport.ts";
import { num, unavailable } from "./etcd-wire.ts";

export interface LeaseKeeper {
  readonly id: string;
  readonly ttl: number;
  /** Settles with why once the lease is lost; stays pending if stop() or revoke() came first. */
  readonly lost: Promise<AgentError>;
  readonly isLost: boolean;
  /** Stops the keepalives; the lease then expires on its own after its TTL. */
  stop(): Promise<void>;
  /** Stops and revokes it now: its keys go at once. */
  revoke(): Promise<void>;
}

/** One keepalive: the TTL left, 0 when the lease no longer exists. */
export async function keepAliveOnce(
  t: EtcdTransport,
  id: string,
  timeoutMs?: number,
): Promise<number> {
  const r = await t.call<{ result?: { TTL?: string }; TTL?: string }>(
    "/v3/lease/keepalive",
    { ID: id },
    { retry: "always", timeoutMs },
  );
  return num((r.result ?? r).TTL);
}

export async function revokeLease(t: EtcdTransport, id: string): Promise<void> {
  try {
    await t.call("/v3/lease/revoke", { ID: id }, { retry: "always" });
  } catch (e) {
    // Revoked already (perhaps by our own attempt whose answer was lost), or expired.
    if (!(e instanceof AgentError && e.code === "NOT_FOUND")) throw e;
  }
}

export function keepLease(
  t: EtcdTransport,
  id: string,
  ttl: number,
  onLost?: (e: AgentError) => void,
): LeaseKeeper {
  const every = Math.max(100, (ttl * 1000) / 3);
  let lastOk = Date.now();
  let stopped = false;
  let isLost = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<void> = Promise.resolve();
  let report!: (e: AgentError) => void;
  const lost = new Promise<AgentError>((resolve) => report = resolve);

  const lose = (e: AgentError) => {
    if (stopped || isLost) return;
    isLost = true;
    report(e);
    onLost?.(e);
  };
  const tick = async () => {
    try {
      const left = await keepAliveOnce(t, id, Math.min(t.timeoutMs, every));
      if (stopped) return;
      if (left <= 0) {
        return lose(new AgentError("NOT_FOUND", `etcd lease ${id} expired or was revoked`, { id }));
      }
      lastOk = Date.now();
      schedule(every);
    } catch (e) {
      if (stopped) return;
      if (Date.now() - lastOk >= ttl * 1000) {
        const why = e instanceof Error ? e.message : String(e);
        return lose(unavailable(`etcd lease ${id}: no member renewed it for ${ttl} s (${why})`, {
          id,
        }));
      }
      schedule(Math.min(every, 250));
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => inflight = tick(), ms);
  };
  schedule(every);

  const stop = async () => {
    stopped = true;
    clearTimeout(timer);
    await inflight;
  };
  return {
    id,
    ttl,
    lost,
    get isLost() {
      return isLost;
    },
    stop,
    async revoke() {
      await stop();
      await revokeLease(t, id);
    },
  };
}
