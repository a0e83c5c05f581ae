// Which registered nodes have not applied a generation yet (the barrier's
// `waiting_for`), and a wait that watches node statuses until none is left.
// A registered node without a status (its lease expired) is waited on, not
// skipped: a partitioned gateway may still serve with the old config.
import type { Etcd, KeyValue } from "./etcd.ts";
import type { FleetKeys } from "./keys.ts";
import { fleetFromKvs, type FleetNode } from "./status.ts";

export interface Waiting {
  node: string;
  why: string;
}

export interface WaitOptions {
  /** Also wait until the node's old nginx workers (serving the previous config) are gone. */
  oldWorkers?: boolean;
}

/** The registered nodes that have not applied `generation`, each with why. Pure. */
export function waitingFor(nodes: FleetNode[], generation: number, o: WaitOptions = {}): Waiting[] {
  const out: Waiting[] = [];
  for (const n of nodes) {
    if (!n.registered) continue;
    const s = n.status;
    if (!s) {
      out.push({
        node: n.name,
        why: "no status: not reported yet, or its lease expired (down or cut off from etcd)",
      });
    } else if (s.applied_generation < generation) {
      const failed = !s.ok && s.error ? `; its last apply failed: ${s.error}` : "";
      out.push({
        node: n.name,
        why: `applied generation ${s.applied_generation}, not yet ${generation}${failed}`,
      });
    } else if (o.oldWorkers && s.old_workers > 0) {
      out.push({ node: n.name, why: `${s.old_workers} old nginx worker(s) still running` });
    }
  }
  return out;
}

/**
 * Registered nodes that reached `generation` but whose round failed (nginx
 * did not load it: refused, held): for `?wait=applied` they did not apply it,
 * though a barrier (waitingFor) does not wait on a node's own failure. Pure.
 */
export function failedAt(nodes: FleetNode[], generation: number): Waiting[] {
  return nodes.flatMap((n) =>
    n.registered && n.status && !n.status.ok && n.status.applied_generation >= generation
      ? [{
        node: n.name,
        why: `its round at generation ${n.status.applied_generation} failed: ${
          n.status.error ?? "no reason given"
        }`,
      }]
      : []
  );
}

export interface FleetRow {
  name: string;
  /** "ok"; "behind" (not at the generation yet); "failed" (its last apply failed);
   * "no_status" (registered, lease expired); "unregistered" (fenced, still reporting);
   * "held" (behind because a canary runs on another node: it waits for the promotion). */
  state: "ok" | "behind" | "failed" | "no_status" | "unregistered" | "held";
  since: string | null;
  labels: Record<string, string>;
  applied_generation: number | null;
  /** Generations behind the current one. */
  lag: number | null;
  error: string | null;
  nginx_version: string | null;
  old_workers: number | null;
  reported_at: string | null;
  unreadable?: string[];
}

/** One row per node for `GET /api/fleet` and `agent fleet status`. Pure. */
export function fleetRows(nodes: FleetNode[], generation: number): FleetRow[] {
  return nodes.map((n) => {
    const s = n.status;
    const state: FleetRow["state"] = !n.registered
      ? "unregistered"
      : !s
      ? "no_status"
      : !s.ok
      ? "failed"
      : s.applied_generation < generation
      ? "behind"
      : "ok";
    return {
      name: n.name,
      state,
      since: n.registered?.since ?? null,
      labels: n.registered?.labels ?? {},
      applied_generation: s?.applied_generation ?? null,
      lag: s ? Math.max(0, generation - s.applied_generation) : null,
      error: s?.error ?? null,
      nginx_version: s?.nginx_version ?? null,
      old_workers: s?.old_workers ?? null,
      reported_at: s?.at ?? null,
      ...(n.unreadable ? { unreadable: n.unreadable } : {}),
    };
  });
}

export interface WaitResult {
  applied: boolean;
  waiting_for: Waiting[];
  /** The etcd revision the answer was read at. */
  revision: number;
}

/**
 * Resolves once every registered node has applied `generation` or `timeoutMs`
 * passed (then `applied: false` and who is missing). Reads the nodes once,
 * then follows their changes with a watch from that revision.
 */
export async function waitApplied(
  etcd: Etcd,
  keys: FleetKeys,
  generation: number,
  o: WaitOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<WaitResult> {
  const r = await etcd.range(keys.nodes, { prefix: true });
  const kvs = new Map<string, KeyValue>(r.kvs.map((kv) => [kv.key, kv]));
  let revision = r.revision;
  let waiting = waitingFor(fleetFromKvs(keys, kvs.values()), generation, o);
  if (!waiting.length) return { applied: true, waiting_for: [], revision };

  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), o.timeoutMs);
  const onAbort = () => ctl.abort();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const batches = etcd.watch(keys.nodes, {
      prefix: true,
      startRevision: revision + 1,
      signal: ctl.signal,
    });
    for await (const b of batches) {
      for (const e of b.events) {
        if (e.type === "delete") kvs.delete(e.kv.key);
        else kvs.set(e.kv.key, e.kv);
      }
      revision = b.revision;
      waiting = waitingFor(fleetFromKvs(keys, kvs.values()), generation, o);
      if (!waiting.length) return { applied: true, waiting_for: [], revision };
    }
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
    ctl.abort();
  }
  return { applied: false, waiting_for: waiting, revision };
}
