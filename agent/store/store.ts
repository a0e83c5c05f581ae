// The desired state in Deno KV. Every change is one atomic operation: the
// records, their uniqueness index keys and the audit entry land together or not
// at all. Records carry an integer version for optimistic concurrency (If-Match).
// With a shared store attached (store = "etcd", shared.ts) each group goes there
// first, and this file is the node's mirror of it.
import { AgentError } from "../errors.ts";
import type { RecordFields } from "../model/record.ts";
import { type Head, listHeads, readJson } from "./kvjson.ts";
import type { ListenDefaults } from "../model/listen.ts";
import type { ClaimSource, StoreOptions } from "./claim-source.ts";
import { AsyncLocalStorage, Mutex } from "./sync.ts";
import { addCost, type Cost, costOf, fits, mergeList, NO_COST, Overlay } from "./group.ts";
import { clean, type StagedWrite, type StageHost, stageWrite } from "./stage.ts";
import { commitShared, type MirrorUpdate, type SharedStore, staleBackoff } from "./shared.ts";
import { applyMirror } from "./mirror.ts";
import { GroupReads, readAhead } from "./read-ahead.ts";
import { commitAtomic } from "./commit.ts";

export type { Rec } from "./ops.ts";

/** A kind as the store's typed reads need it (agent/kind.ts's Kind<T> is one). */
export interface KindRef<T extends { name: string }> {
  readonly name: string;
  parse(name: string, body: unknown, ...rest: never[]): T;
}

/** A stored record of a kind: its spec and the store's fields. */
export type StoredOf<T> = T & RecordFields;

export interface Loaded {
  rec: Rec;
  head: Deno.KvEntry<Head>;
}

export const REC = "rec";
export const IDX = "idx";
/** Summed by every committed write, whichever process made it (agent/nginx/pending.ts). */
export const WRITES = ["meta", "writes"];

export function entityId(kind: string, name: string): string {
  return `${kind}/${name}`;
}

export type { ClaimSource, StoreOptions } from "./claim-source.ts";
export type { DeleteOp, PutOp, WriteOp, WritePlan, WriteResult } from "./ops.ts";
export { canonical, jsonEqual } from "./canonical.ts";
import { type Rec, recordSpec, type WritePlan, type WriteResult } from "./ops.ts";

interface Queued {
  plan: () => Promise<WritePlan> | WritePlan;
  resolve: (r: WriteResult[]) => void;
  reject: (e: unknown) => void;
  /** Runs in the writer's async context (its tenant scope). */
  run: <R>(fn: () => R) => R;
  /** Commits alone (its group's commit failed on another process's write). */
  solo?: boolean;
  /** Its plan only reads (it may run once more to read ahead, read-ahead.ts). */
  readAhead?: boolean;
  /** Planned again this many times after another fleet node wrote first. */
  stale?: number;
}

/** A record without the store's fields: what a client sent (typed for a typed record). */
export function specOf<T extends { name: string }>(rec: StoredOf<T>): T;
export function specOf(rec: Rec): Record<string, unknown>;
export function specOf(rec: Rec): Record<string, unknown> {
  return recordSpec(rec);
}

export class Store {
  readonly kv: Deno.Kv;
  readonly now: () => Date;
  readonly kinds: ClaimSource | null;
  readonly #claimCtx: ListenDefaults;
  readonly #lock = new Mutex();
  readonly #queue: Queued[] = [];
  #draining = false;
  #inFlight: Queued[] = [];
  /** The group a plan runs in: its reads see the group's earlier writes. */
  readonly #overlay = new AsyncLocalStorage<Overlay>();
  readonly tenantScope = new AsyncLocalStorage<string>(); // the request's tenant: new records' own
  /** Bumped on every committed write; the reconciler watches it. */
  seq = 0;
  readonly #listeners = new Set<(ids: readonly string[], seq: number) => void>();
  /** The shared desired state writes go to first (store = "etcd"); null: this file is it. */
  shared: SharedStore | null = null;
  /**
   * With a shared store: the version of each record this process wrote last ("kind/name").
   * A record another node wrote is not this node's to put back (runtime.ts restore).
   */
  readonly ownWrites = new Map<string, number>();

  /** With a shared store: whether this process wrote the record's current version (or deleted it). */
  async wroteLast(kind: string, name: string): Promise<boolean> {
    return this.ownWrites.get(`${kind}/${name}`) === ((await this.get(kind, name))?.version ?? 0);
  }

  constructor(kv: Deno.Kv, opts: StoreOptions = {}) {
    this.kv = kv;
    this.now = opts.now ?? (() => new Date());
    this.kinds = opts.kinds ?? null;
    this.#claimCtx = opts.claimContext ?? { http_port: 80, https_port: 443, bind_address: "" };
  }

  static async open(path: string, opts: StoreOptions = {}): Promise<Store> {
    return new Store(await Deno.openKv(path), opts);
  }

  /** The uniqueness keys a record of `kind` holds, as every write path computes them. */
  claimsOf(kind: string, spec: { name: string }): string[][] {
    return this.kinds?.claimsOf(kind, spec, this.#claimCtx) ?? [];
  }

  close() {
    this.kv.close();
  }

  /** `fn` gets the ids ("kind/name") a committed write changed and the write's seq. */
  onChange(fn: (ids: readonly string[], seq: number) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Committed writes to this state file by every process (`WRITES`). */
  async writeCount(): Promise<bigint> {
    return (await this.kv.get<Deno.KvU64>(WRITES)).value?.value ?? 0n;
  }

  async load(kind: string, name: string): Promise<Loaded | null> {
    const p = this.#overlay.getStore()?.rec(kind, name);
    if (p) {
      if (!p.rec) return null;
      const head = {
        key: [REC, kind, name],
        value: p.head!,
        versionstamp: p.base?.versionstamp ?? "",
      };
      return { rec: p.rec, head };
    }
    const head = await (this.#overlay.getStore()?.reads ?? this.kv).get<Head>([REC, kind, name]);
    if (head.value === null) return null;
    return {
      rec: await readJson<Rec>(this.kv, head as Deno.KvEntry<Head>),
      head: head as Deno.KvEntry<Head>,
    };
  }

  /** One record; typed when asked by kind (`store.get(siteKind, "shop")`). */
  get<T extends { name: string }>(kind: KindRef<T>, name: string): Promise<StoredOf<T> | null>;
  get(kind: string, name: string): Promise<Rec | null>;
  async get(kind: string | KindRef<{ name: string }>, name: string): Promise<Rec | null> {
    const l = await this.load(typeof kind === "string" ? kind : kind.name, name);
    return l ? clean(l.rec) : null;
  }

  /** Every record of a kind, by name; typed when asked by kind. */
  list<T extends { name: string }>(kind: KindRef<T>): Promise<StoredOf<T>[]>;
  list(kind: string): Promise<Rec[]>;
  async list(kind: string | KindRef<{ name: string }>): Promise<Rec[]> {
    const out: Rec[] = [];
    const k = typeof kind === "string" ? kind : kind.name;
    for await (const h of listHeads(this.kv, [REC, k])) {
      out.push(clean(await readJson<Rec>(this.kv, h)));
    }
    const o = this.#overlay.getStore();
    return o?.size
      ? mergeList(out, new Map([...o.ofKind(k)].map(([n, r]) => [n, r && clean(r)])))
      : out;
  }

  /** Every record of every kind, keyed "kind/name". */
  async all(): Promise<Map<string, Rec>> {
    const out = new Map<string, Rec>();
    for await (const e of this.kv.list<Head>({ prefix: [REC] })) {
      if (e.key.length !== 3) continue;
      const rec = clean(await readJson<Rec>(this.kv, e));
      out.set(entityId(String(e.key[1]), String(e.key[2])), rec);
    }
    for (const [id, r] of this.#overlay.getStore()?.all() ?? []) {
      if (r) out.set(id, clean(r));
      else out.delete(id);
    }
    return out;
  }

  async isEmpty(): Promise<boolean> {
    for await (const _ of this.kv.list({ prefix: [REC] }, { limit: 1 })) return false;
    return true;
  }

  async indexOwner(key: string[]): Promise<string | null> {
    const group = this.#overlay.getStore();
    const o = group?.idx(key);
    if (o !== undefined) return o;
    return (await (group?.reads ?? this.kv).get<string>([IDX, ...key])).value;
  }

  /**
   * Runs `plan` under the write lock (so cross-record rules see a stable state),
   * then commits its ops atomically with the audit entries. Returns per-op results.
   * Writes queued while a commit is in flight are committed together (group.ts):
   * each plan sees the group's earlier writes, and each gets its own answer.
   */
  write(
    plan: () => Promise<WritePlan> | WritePlan,
    opts: { readAhead?: boolean } = {},
  ): Promise<WriteResult[]> {
    return new Promise((resolve, reject) => {
      const run = AsyncLocalStorage.snapshot();
      this.#queue.push({ plan, resolve, reject, run, readAhead: opts.readAhead });
      if (!this.#draining) this.#drain();
    });
  }

  /** Whether writes are queued or being committed (the reconciler waits for them). */
  get writing(): boolean {
    return this.#draining || this.#queue.length > 0;
  }

  /** Runs a read-then-decide step under the write lock without writing. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(fn);
  }

  #drain() {
    this.#draining = true;
    this.#lock.run(() => this.#group()).catch((e) => {
      for (const q of this.#inFlight) q.reject(e); // settled ones ignore it
    }).finally(() => {
      this.#draining = false;
      if (this.#queue.length) this.#drain();
    });
  }

  /** One group: the queued writes that fit one atomic operation, committed together. */
  async #group(): Promise<void> {
    const solo = this.#queue.findIndex((q) => q.solo);
    const queued = this.#queue.splice(0, solo === 0 ? 1 : solo < 0 ? this.#queue.length : solo);
    this.#inFlight = queued;
    const reads = new GroupReads(this.kv);
    const overlay = new Overlay(reads);
    const stage = (q: Queued, o: Overlay) =>
      q.run(() => this.#overlay.run(o, async () => stageWrite(this.#stageHost(o), await q.plan())));
    await readAhead(
      queued.filter((q) => q.readAhead).map((q) => () => stage(q, new Overlay(reads))),
    );
    const taken: { q: Queued; staged: StagedWrite }[] = [];
    const op = this.kv.atomic();
    let used: Cost = { ...NO_COST, mutations: 1 }; // the WRITES counter
    for (let i = 0; i < queued.length; i++) {
      const q = queued[i];
      let staged: StagedWrite;
      try {
        staged = await stage(q, overlay);
      } catch (e) {
        q.reject(e);
        continue;
      }
      const cost = costOf(staged.muts, staged.checks.length, staged.recs.length);
      if (cost.mutations > 990) {
        q.reject(
          new AgentError(
            "VALIDATION_FAILED",
            `change is too large for one atomic write (${cost.mutations} mutations)`,
          ),
        );
        continue;
      }
      if (taken.length && !fits(used, cost, this.shared?.maxRecords)) {
        this.#queue.unshift(...queued.slice(i)); // the next group plans them again
        break;
      }
      used = addCost(used, cost);
      taken.push({ q, staged });
      for (const r of staged.recs) overlay.setRec(r.kind, r.name, r.p);
      for (const x of staged.idx) overlay.setIdx(x.key, x.owner);
    }
    const changed = taken.filter((t) => t.staged.changed);
    // No-ops answer with the commit: one may have compared against a write of the group.
    const settle = () => taken.forEach((t) => t.q.resolve(t.staged.results));
    if (!changed.length) return settle();
    let checks = 0;
    const seen = new Set<string>();
    for (const { staged } of changed) {
      for (const c of staged.checks) {
        const k = JSON.stringify(c.key);
        // Guards against another process writing the same file; KV caps checks at 100.
        if (seen.has(k) || checks >= 100) continue;
        seen.add(k);
        checks++;
        op.check(c);
      }
      for (const m of staged.muts) {
        if (m.type === "set") op.set(m.key, m.value);
        else op.delete(m.key);
      }
    }
    let inFleet = false;
    if (this.shared) {
      const stale = Math.max(...taken.map((t) => t.q.stale ?? 0));
      const results = changed.flatMap((t) => t.staged.results);
      const r = await commitShared(this.shared, results, op, (u) => this.#mirror(u), stale);
      if (r === "again") { // another node wrote first: the mirror has it, the plans run again
        await staleBackoff(stale);
        this.#queue.unshift(...taken.map((t) => ({ ...t.q, stale: stale + 1 })));
        return;
      }
      if (typeof r === "object") return void taken.forEach((t) => t.q.reject(r.error));
      inFleet = r === "fleet";
      for (const w of results) this.ownWrites.set(`${w.kind}/${w.name}`, w.after?.version ?? 0);
    }
    op.sum(WRITES, 1n);
    let res: Deno.KvCommitResult | Deno.KvCommitError;
    try {
      res = await commitAtomic(op);
    } catch (e) {
      for (const t of taken) t.q.reject(e);
      return;
    }
    if (!res.ok) {
      if (inFleet && this.shared) {
        // Another process wrote this file, but the fleet has the group: the mirror takes it
        // from etcd (or the follower does, later), and each write answers as committed.
        await this.shared.catchUp((u) => this.#mirror(u)).catch(() => {});
        return settle();
      }
      if (taken.length > 1) {
        // Another process wrote one of them: each tries again alone, for its own answer.
        for (const t of [...taken].reverse()) this.#queue.unshift({ ...t.q, solo: true });
        return;
      }
      changed[0].q.reject(
        new AgentError(
          "CONFLICT",
          "the record changed while this request was being processed; retry",
          {},
        ),
      );
      return;
    }
    const ids = changed.flatMap((t) =>
      t.staged.results.filter((r) => r.changed).map((r) => entityId(r.kind, r.name))
    );
    this.#committed(ids);
    settle();
  }

  #committed(ids: string[]) {
    this.seq++;
    for (const fn of this.#listeners) fn(ids, this.seq);
  }

  /**
   * Applies records another node wrote (the fleet's mirror) under the write
   * lock; `plan` decides what under it. Returns the ids it changed.
   */
  mirror(plan: () => Promise<MirrorUpdate | null>): Promise<string[]> {
    return this.#lock.run(async () => {
      const u = await plan();
      return u ? await this.#mirror(u) : [];
    });
  }

  #mirror(u: MirrorUpdate): Promise<string[]> {
    return applyMirror(this.kv, (k, s) => this.claimsOf(k, s), u, (ids) => this.#committed(ids));
  }

  #stageHost(overlay: Overlay): StageHost {
    return {
      pending: async (kind, name) => {
        const p = overlay.rec(kind, name);
        if (p) return p;
        const head = await overlay.reads.get<Head>([REC, kind, name]);
        if (head.value === null) return { base: null, head: null, rec: null };
        const e = head as Deno.KvEntry<Head>;
        return { base: e, head: e.value, rec: await readJson<Rec>(this.kv, e) };
      },
      owner: async (key) => {
        const o = overlay.idx(key);
        return o !== undefined ? o : (await overlay.reads.get<string>([IDX, ...key])).value;
      },
      claimsOf: (kind, spec) => this.claimsOf(kind, spec),
      describeClaim: (k, holder) => this.kinds?.describeClaim(k, holder),
      now: this.now,
      tenant: this.tenantScope.getStore(),
      isInternal: (kind) => this.kinds?.isInternal?.(kind) ?? false,
    };
  }
}

export { putBackOp } from "./ops.ts";
export { clean } from "./stage.ts";
