// A node's place in the fleet: `nodes/<node>/registered` (no lease: it stays
// until an operator fences the node, so a node that went silent is waited on,
// not forgotten) and `nodes/<node>/status` on a kept-alive lease (it vanishes
// when the node stops renewing it: down, stopped or cut off from etcd).
import { z } from "zod";
import { AgentError, invalid } from "../errors.ts";
import { type Etcd, If, type KeyValue, type LeaseKeeper, op } from "./etcd.ts";
import type { FleetKeys } from "./keys.ts";

export const NodeStatusSchema = z.object({
  applied_generation: z.number().int().nonnegative(),
  applied_revision: z.number().int().nonnegative(),
  ok: z.boolean(),
  error: z.string().nullable(),
  nginx_version: z.string(),
  old_workers: z.number().int().nonnegative(),
  at: z.string(),
}).strict();
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

export const RegistrationSchema = z.object({
  since: z.string(),
  labels: z.record(z.string(), z.string()),
}).strict();
export type Registration = z.infer<typeof RegistrationSchema>;

export interface FleetNode {
  name: string;
  registered?: Registration;
  /** Absent when the node's lease expired (or it never reported). */
  status?: NodeStatus;
  /** A value under the node that is not what this version writes (named, not thrown). */
  unreadable?: string[];
}

function parsed<T>(schema: z.ZodType<T>, kv: KeyValue): T | string {
  let json: unknown;
  try {
    json = JSON.parse(kv.value);
  } catch {
    return `${kv.key}: not JSON`;
  }
  const r = schema.safeParse(json);
  return r.success ? r.data : `${kv.key}: ${r.error.issues[0]?.message ?? "invalid"}`;
}

/** The nodes the keys under `nodes/` describe, by name. Pure. */
export function fleetFromKvs(keys: FleetKeys, kvs: Iterable<KeyValue>): FleetNode[] {
  const nodes = new Map<string, FleetNode>();
  for (const kv of kvs) {
    const k = keys.nodeKey(kv.key);
    if (!k) continue;
    const n = nodes.get(k.node) ?? { name: k.node };
    nodes.set(k.node, n);
    const bad = (why: string) => (n.unreadable ??= []).push(why);
    if (k.what === "registered") {
      const r = parsed(RegistrationSchema, kv);
      if (typeof r === "string") bad(r);
      else n.registered = r;
    } else if (k.what === "status") {
      const s = parsed(NodeStatusSchema, kv);
      if (typeof s === "string") bad(s);
      else n.status = s;
    }
  }
  return [...nodes.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export async function readFleet(
  etcd: Etcd,
  keys: FleetKeys,
): Promise<{ revision: number; nodes: FleetNode[] }> {
  const r = await etcd.range(keys.nodes, { prefix: true });
  return { revision: r.revision, nodes: fleetFromKvs(keys, r.kvs) };
}

/**
 * Registers `node` (idempotent): the first registration's `since` is kept,
 * the labels are the latest. Returns what is stored.
 */
export async function registerNode(
  etcd: Etcd,
  keys: FleetKeys,
  node: string,
  labels: Record<string, string> = {},
  now: () => Date = () => new Date(),
): Promise<Registration> {
  const key = keys.registered(node);
  const fresh: Registration = { since: now().toISOString(), labels };
  const t = await etcd.txn({
    compare: [If.missing(key)],
    success: [op.put(key, JSON.stringify(fresh))],
    failure: [op.range(key)],
  });
  if (t.succeeded) return fresh;
  const r = t.responses[0];
  const kv = r.type === "range" ? r.kvs[0] : undefined;
  const had = kv ? parsed(RegistrationSchema, kv) : undefined;
  const since = had && typeof had !== "string" ? had.since : fresh.since;
  const next: Registration = { since, labels };
  if (typeof had === "string" || JSON.stringify(had) !== JSON.stringify(next)) {
    await etcd.put(key, JSON.stringify(next));
  }
  return next;
}

/** Fences a node: its registration and status go, so no barrier waits for it. */
export async function removeNode(etcd: Etcd, keys: FleetKeys, node: string): Promise<boolean> {
  const r = await etcd.delete(keys.node(node), { prefix: true });
  return r.deleted > 0;
}

/**
 * Puts this node's status on a lease it keeps alive. A lease lost (etcd was
 * out of reach longer than its TTL) is replaced at the next report, so the
 * node shows again as soon as it can tell the fleet what it applied.
 */
export class StatusReporter {
  #keeper?: LeaseKeeper;
  #last?: NodeStatus;
  #recovering?: Promise<void>;

  constructor(
    readonly etcd: Etcd,
    readonly keys: FleetKeys,
    readonly node: string,
    readonly ttl = 15,
  ) {
    keys.status(node); // checks the name now
  }

  /** The lease the status is on ("" before the first report or after a loss). */
  get lease(): string {
    return this.#keeper && !this.#keeper.isLost ? this.#keeper.id : "";
  }

  async report(s: NodeStatus): Promise<void> {
    const r = NodeStatusSchema.safeParse(s);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw invalid(["status", ...(issue?.path ?? [])].join("."), issue?.message ?? "invalid");
    }
    const status = r.data;
    this.#last = status;
    await this.#recovering;
    for (let attempt = 0;; attempt++) {
      const lease = await this.#lease();
      try {
        await this.etcd.put(this.keys.status(this.node), JSON.stringify(status), { lease });
        return;
      } catch (e) {
        // The lease expired between the check and the put: one more, on a new one.
        if (!(e instanceof AgentError && e.code === "NOT_FOUND") || attempt > 0) throw e;
        await this.#drop();
      }
    }
  }

  async #lease(): Promise<string> {
    if (this.#keeper && !this.#keeper.isLost) return this.#keeper.id;
    await this.#drop();
    this.#keeper = await this.etcd.lease(this.ttl, () => {
      // Shown again at once if etcd is back; else the next report() does it.
      const last = this.#last;
      if (last) this.#recovering = this.report(last).catch(() => {});
    });
    return this.#keeper.id;
  }

  async #drop(): Promise<void> {
    const k = this.#keeper;
    this.#keeper = undefined;
    await k?.stop();
  }

  /** Stops reporting; `revoke` (a clean shutdown) takes the status away at once. */
  async stop(o: { revoke?: boolean } = {}): Promise<void> {
    this.#last = undefined;
    await this.#recovering;
    const k = this.#keeper;
    this.#keeper = undefined;
    if (!k) return;
    if (o.revoke && !k.isLost) await k.revoke();
    else await k.stop();
  }
}
