// A small etcd v3 client of our own on the JSON gateway (plain fetch), because
// npm `etcd3` loads a .proto file at run time and breaks the single-file
// bundle. Keys and values are strings (UTF-8; base64 on the wire). Every
// failure is an AgentError: SHARED_STORE_UNAVAILABLE when no member could be
// used, SHARED_STORE_COMPACTED for history etcd no longer has.
// Paths are /v3/...: etcd 3.4 serves them (and /v3beta, which 3.5 dropped), so
// one client speaks to 3.4 through 3.6, elections included (/v3/election/*).
import { AgentError } from "../errors.ts";
import { type CallOptions, type EtcdOptions, EtcdTransport } from "./etcd-transport.ts";
import { type Compare, type Op, txnBody, txnOf, type TxnResult, type WireTxn } from "./etcd-txn.ts";
import {
  b64,
  deleteBody,
  type DeleteOptions,
  type KeyValue,
  kvOf,
  num,
  prefixEnd,
  putBody,
  type PutOptions,
  rangeBody,
  rangeOf,
  type RangeOptions,
  type RangeResult,
  unb64,
  type WireHeader,
  type WireKv,
  type WireRange,
} from "./etcd-wire.ts";
import { keepAliveOnce, keepLease, type LeaseKeeper, revokeLease } from "./etcd-lease.ts";
import { observe, watch, type WatchBatch, type WatchOptions } from "./etcd-watch.ts";

export type { EtcdOptions } from "./etcd-transport.ts";
export type { Compare, CompareOp, Op, OpResult, TxnResult } from "./etcd-txn.ts";
export { If, op } from "./etcd-txn.ts";
export type { KeyValue, RangeOptions, RangeResult } from "./etcd-wire.ts";
export { CompactedError } from "./etcd-wire.ts";
export type { LeaseKeeper } from "./etcd-lease.ts";
export type { WatchBatch, WatchEvent, WatchOptions } from "./etcd-watch.ts";

/** Per call: how long to wait for each member, and an optional abort. */
export type Call = Pick<CallOptions, "timeoutMs" | "signal" | "retry">;

/** A campaign's win: what resign and proclaim need. */
export interface LeaderKey {
  name: string;
  /** The candidate's key: `<name>/<lease id in hex>`. */
  key: string;
  rev: number;
  lease: string;
}

interface WireLeaderKey {
  name?: string;
  key?: string;
  rev?: string;
  lease?: string;
}

const leaderWire = (l: LeaderKey) => ({
  name: b64(l.name),
  key: b64(l.key),
  rev: String(l.rev),
  lease: l.lease,
});

export class Etcd {
  readonly transport: EtcdTransport;

  constructor(o: EtcdOptions) {
    this.transport = new EtcdTransport(o);
  }

  get endpoints(): string[] {
    return this.transport.endpoints;
  }

  close(): void {
    this.transport.close();
  }

  #call<T>(path: string, body: unknown, c: Call | undefined, retry: "always" | "unsent") {
    return this.transport.call<T>(path, body, { retry, ...c });
  }

  /** Keys `key` (or under it, with `prefix`), linearizable; safe to repeat on another member. */
  async range(key: string, o: RangeOptions & Call = {}): Promise<RangeResult> {
    const w = await this.#call<WireRange>("/v3/kv/range", rangeBody(key, o), o, "always");
    return rangeOf(w);
  }

  /**
   * Every key under `prefix` at one revision (the first page's, unless given),
   * read in pages of `pageSize` so a large state never makes one huge answer:
   * a consistent snapshot even while others write.
   */
  async rangeAll(
    prefix: string,
    o: Call & { revision?: number; pageSize?: number } = {},
  ): Promise<RangeResult> {
    const end = prefixEnd(prefix);
    const kvs: KeyValue[] = [];
    let revision = o.revision ?? 0;
    let from = prefix;
    while (true) {
      const body: Record<string, unknown> = {
        key: b64(from),
        range_end: end,
        limit: String(o.pageSize ?? 500),
      };
      if (revision) body.revision = String(revision);
      const page = rangeOf(await this.#call<WireRange>("/v3/kv/range", body, o, "always"));
      revision ||= page.revision;
      kvs.push(...page.kvs);
      if (!page.more || !page.kvs.length) break;
      // The next page starts just after the last key ("\0" is the smallest suffix).
      from = `${page.kvs[page.kvs.length - 1].key}\0`;
    }
    return { kvs, count: kvs.length, more: false, revision };
  }

  async get(key: string, o: Call & { revision?: number } = {}): Promise<KeyValue | undefined> {
    return (await this.range(key, o)).kvs[0];
  }

  async put(
    key: string,
    value: string,
    o: PutOptions & Call = {},
  ): Promise<{ revision: number; prevKv?: KeyValue }> {
    const w = await this.#call<{ header?: WireHeader; prev_kv?: WireKv }>(
      "/v3/kv/put",
      putBody(key, value, o),
      o,
      "unsent",
    );
    return {
      revision: num(w.header?.revision),
      ...(w.prev_kv ? { prevKv: kvOf(w.prev_kv) } : {}),
    };
  }

  async delete(
    key: string,
    o: DeleteOptions & Call = {},
  ): Promise<{ revision: number; deleted: number; prevKvs: KeyValue[] }> {
    const w = await this.#call<{ header?: WireHeader; deleted?: string; prev_kvs?: WireKv[] }>(
      "/v3/kv/deleterange",
      deleteBody(key, o),
      o,
      "unsent",
    );
    return {
      revision: num(w.header?.revision),
      deleted: num(w.deleted),
      prevKvs: (w.prev_kvs ?? []).map(kvOf),
    };
  }

  /** All compares hold → `success` runs, else `failure`; one revision either way. */
  async txn(
    t: { compare?: Compare[]; success?: Op[]; failure?: Op[] },
    c: Call = {},
  ): Promise<TxnResult> {
    const body = txnBody(t.compare ?? [], t.success ?? [], t.failure ?? []);
    return txnOf(await this.#call<WireTxn>("/v3/kv/txn", body, c, "unsent"));
  }

  /** Forgets history before `revision`; watches and reads from earlier are then compacted. */
  async compact(revision: number, c: Call = {}): Promise<void> {
    const body = { revision: String(revision), physical: true };
    try {
      await this.#call("/v3/kv/compaction", body, c, "always");
    } catch (e) {
      // Compacted already (a repeat whose first answer was lost, or another node).
      if (!(e instanceof AgentError && e.code === "SHARED_STORE_COMPACTED")) throw e;
    }
  }

  /** A new lease of `ttl` seconds: its id and the TTL etcd granted. */
  async grant(ttl: number, c: Call = {}): Promise<{ id: string; ttl: number }> {
    const w = await this.#call<{ ID?: string; TTL?: string; error?: string }>(
      "/v3/lease/grant",
      { TTL: ttl },
      c,
      "unsent",
    );
    if (!w.ID) throw new AgentError("INTERNAL", `etcd lease grant: ${w.error ?? "no id"}`);
    return { id: w.ID, ttl: num(w.TTL) };
  }

  revoke(id: string): Promise<void> {
    return revokeLease(this.transport, id);
  }

  /** The TTL left on a lease, 0 when it no longer exists. */
  keepAliveOnce(id: string): Promise<number> {
    return keepAliveOnce(this.transport, id);
  }

  /** The TTL left on a lease (-1 when it does not exist), and its keys. */
  async timeToLive(id: string, c: Call = {}): Promise<{ ttl: number; keys: string[] }> {
    const w = await this.#call<{ TTL?: string; keys?: string[] }>(
      "/v3/lease/timetolive",
      { ID: id, keys: true },
      c,
      "always",
    );
    return { ttl: num(w.TTL), keys: (w.keys ?? []).map(unb64) };
  }

  /** Keeps an existing lease alive in the background. */
  keep(id: string, ttl: number, onLost?: (e: AgentError) => void): LeaseKeeper {
    return keepLease(this.transport, id, ttl, onLost);
  }

  /** Grants a lease and keeps it alive. */
  async lease(ttl: number, onLost?: (e: AgentError) => void): Promise<LeaseKeeper> {
    const g = await this.grant(ttl);
    return keepLease(this.transport, g.id, g.ttl, onLost);
  }

  watch(key: string, o: WatchOptions = {}): AsyncGenerator<WatchBatch, void, undefined> {
    return watch(this.transport, key, o);
  }

  /**
   * Waits until this candidate leads `name` (until the signal aborts): the
   * leadership lasts as long as `lease`. Safe to repeat: the candidate key is
   * the lease's, so a retry on another member finds the same candidacy.
   */
  async campaign(
    name: string,
    lease: string,
    value: string,
    o: { signal?: AbortSignal } = {},
  ): Promise<LeaderKey> {
    const w = await this.#call<{ leader?: WireLeaderKey }>(
      "/v3/election/campaign",
      { name: b64(name), lease, value: b64(value) },
      { signal: o.signal, timeoutMs: 2 ** 31 - 1 },
      "always",
    );
    const l = w.leader ?? {};
    return { name: unb64(l.name), key: unb64(l.key), rev: num(l.rev), lease: l.lease ?? "" };
  }

  /** The current leader's key and value, undefined when there is none. */
  async leader(name: string, c: Call = {}): Promise<KeyValue | undefined> {
    try {
      const w = await this.#call<{ kv?: WireKv }>(
        "/v3/election/leader",
        { name: b64(name) },
        c,
        "always",
      );
      return w.kv ? kvOf(w.kv) : undefined;
    } catch (e) {
      if (e instanceof AgentError && /election: no leader/.test(e.message)) return undefined;
      throw e;
    }
  }

  /** Gives the leadership up (the next candidate wins); the lease stays. */
  async resign(l: LeaderKey, c: Call = {}): Promise<void> {
    await this.#call("/v3/election/resign", { leader: leaderWire(l) }, c, "always");
  }

  /** Changes the value the leader announces, without an election. */
  async proclaim(l: LeaderKey, value: string, c: Call = {}): Promise<void> {
    const body = { leader: leaderWire(l), value: b64(value) };
    await this.#call("/v3/election/proclaim", body, c, "always");
  }

  /** The leader of `name` each time it changes. */
  observe(name: string, signal?: AbortSignal): AsyncGenerator<KeyValue, void, undefined> {
    return observe(this.transport, name, signal);
  }
}
