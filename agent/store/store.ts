// The desired state in Deno KV. Every change is one atomic operation: the
// records, their uniqueness index keys and the audit entry land together or not
// at all. Records carry an integer version for optimistic concurrency (If-Match).
import { AgentError } from "../errors.ts";
import type { RecordFields } from "../model/record.ts";
import { deleteJson, type Head, listHeads, readJson, setJson } from "./kvjson.ts";
import { type AuditDraft, auditKey, newAuditId, pendingAuditKey } from "./audit.ts";

export type Rec = RecordFields & Record<string, unknown>;

export interface Loaded {
  rec: Rec;
  head: Deno.KvEntry<Head>;
}

export const REC = "rec";
export const IDX = "idx";

export function entityId(kind: string, name: string): string {
  return `${kind}/${name}`;
}

export interface IndexClaim {
  /** index name plus value parts, e.g. ["server_name", "80", "a.example.com"] */
  key: string[];
}

export interface PutOp {
  type: "put";
  kind: string;
  name: string;
  /** The full spec without record fields; `name` is set by the store. */
  spec: Record<string, unknown>;
  ifMatch?: number;
  /** Must not exist yet (create-only), used by features that own records. */
  ifAbsent?: boolean;
  managedBy?: RecordFields["managed_by"];
  indexes?: IndexClaim[];
  /** Keep these record fields instead of bumping them (restores from disk or a backup). */
  meta?: Pick<RecordFields, "version" | "created_at" | "updated_at">;
}

export interface DeleteOp {
  type: "delete";
  kind: string;
  name: string;
  ifMatch?: number;
}

export type WriteOp = PutOp | DeleteOp;

export interface WritePlan {
  ops: WriteOp[];
  actor: string;
  action: string;
  /** Final audit outcome (no apply follows, e.g. a revert); default: pending. */
  outcome?: string;
  message?: string;
}

export interface WriteResult {
  kind: string;
  name: string;
  before: Rec | null;
  after: Rec | null;
  created: boolean;
  changed: boolean;
}

/** Deep equality of JSON values, used to keep identical PUTs from bumping versions. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export function canonical(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) =>
      x && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : x,
  );
}

export function specOf(rec: Rec): Record<string, unknown> {
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, ...spec } = rec;
  return spec;
}

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.then(() => {}, () => {});
    return next;
  }
}

export class Store {
  readonly kv: Deno.Kv;
  readonly now: () => Date;
  readonly #lock = new Mutex();
  /** Bumped on every committed write; the reconciler watches it. */
  seq = 0;
  readonly #listeners = new Set<() => void>();

  constructor(kv: Deno.Kv, now: () => Date = () => new Date()) {
    this.kv = kv;
    this.now = now;
  }

  static async open(path: string): Promise<Store> {
    return new Store(await Deno.openKv(path));
  }

  close() {
    this.kv.close();
  }

  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  async load(kind: string, name: string): Promise<Loaded | null> {
    const head = await this.kv.get<Head>([REC, kind, name]);
    if (head.value === null) return null;
    return {
      rec: await readJson<Rec>(this.kv, head as Deno.KvEntry<Head>),
      head: head as Deno.KvEntry<Head>,
    };
  }

  async get(kind: string, name: string): Promise<Rec | null> {
    const l = await this.load(kind, name);
    return l ? clean(l.rec) : null;
  }

  async list(kind: string): Promise<Rec[]> {
    const out: Rec[] = [];
    for await (const h of listHeads(this.kv, [REC, kind])) {
      out.push(clean(await readJson<Rec>(this.kv, h)));
    }
    return out;
  }

  /** Every record of every kind, keyed "kind/name". */
  async all(): Promise<Map<string, Rec>> {
    const out = new Map<string, Rec>();
    for await (const e of this.kv.list<Head>({ prefix: [REC] })) {
      if (e.key.length !== 3) continue;
      const rec = clean(await readJson<Rec>(this.kv, e));
      out.set(entityId(String(e.key[1]), String(e.key[2])), rec);
    }
    return out;
  }

  async isEmpty(): Promise<boolean> {
    for await (const _ of this.kv.list({ prefix: [REC] }, { limit: 1 })) return false;
    return true;
  }

  async indexOwner(key: string[]): Promise<string | null> {
    return (await this.kv.get<string>([IDX, ...key])).value;
  }

  /**
   * Runs `plan` under the write lock (so cross-record rules see a stable state),
   * then commits its ops atomically with the audit entries. Returns per-op results.
   */
  async write(plan: () => Promise<WritePlan> | WritePlan): Promise<WriteResult[]> {
    return await this.#lock.run(async () => await this.#commit(await plan()));
  }

  /** Runs a read-then-decide step under the write lock without writing. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(fn);
  }

  async #commit({ ops, actor, action, outcome, message }: WritePlan): Promise<WriteResult[]> {
    const op = this.kv.atomic();
    const results: WriteResult[] = [];
    const at = this.now().toISOString();
    let mutations = 0;
    let checks = 0;
    const audits: AuditDraft[] = [];
    for (const w of ops) {
      const cur = await this.load(w.kind, w.name);
      // Guards against another process writing the same file; KV caps checks at 100.
      if (checks++ < 100) {
        op.check({ key: [REC, w.kind, w.name], versionstamp: cur?.head.versionstamp ?? null });
      }
      if (w.ifMatch !== undefined && (cur?.rec.version ?? 0) !== w.ifMatch) {
        throw new AgentError(
          "PRECONDITION_FAILED",
          `${w.kind} "${w.name}" is at version ${cur?.rec.version ?? "(absent)"}, not ${w.ifMatch}`,
          { kind: w.kind, name: w.name, version: cur?.rec.version ?? null },
        );
      }
      const oldIdx = cur ? ((cur.rec as { _idx?: string[][] })._idx ?? []) : [];
      if (w.type === "delete") {
        if (!cur) continue;
        mutations += deleteJson(op, [REC, w.kind, w.name], cur.head.value);
        for (const k of oldIdx) op.delete([IDX, ...k]);
        mutations += oldIdx.length;
        results.push({
          kind: w.kind,
          name: w.name,
          before: clean(cur.rec),
          after: null,
          created: false,
          changed: true,
        });
        audits.push({
          actor,
          action,
          entity: { kind: w.kind, name: w.name },
          before: clean(cur.rec),
          after: null,
        });
        continue;
      }
      if (w.ifAbsent && cur) {
        throw new AgentError("CONFLICT", `${w.kind} "${w.name}" already exists`, {
          kind: w.kind,
          name: w.name,
        });
      }
      const spec = { ...w.spec, name: w.name };
      const newIdx = (w.indexes ?? []).map((c) => c.key);
      const sameIdx = jsonEqual(oldIdx, newIdx);
      const managedSame = jsonEqual(cur?.rec.managed_by ?? null, w.managedBy ?? null);
      if (cur && managedSame && sameIdx && jsonEqual(specOf(clean(cur.rec)), spec)) {
        results.push({
          kind: w.kind,
          name: w.name,
          before: clean(cur.rec),
          after: clean(cur.rec),
          created: false,
          changed: false,
        });
        continue;
      }
      const rec: Rec = {
        ...spec,
        name: w.name,
        version: w.meta?.version ?? (cur?.rec.version ?? 0) + 1,
        created_at: w.meta?.created_at ?? cur?.rec.created_at ?? at,
        updated_at: w.meta?.updated_at ?? at,
        ...(w.managedBy ? { managed_by: w.managedBy } : {}),
      } as Rec;
      // Index claims: each key must be free or already ours.
      const owner = entityId(w.kind, w.name);
      for (const k of newIdx) {
        const e = await this.kv.get<string>([IDX, ...k]);
        if (e.value !== null && e.value !== owner) {
          throw new AgentError(
            "CONFLICT",
            `${k.slice(1).join(" ")} is already claimed by ${e.value}`,
            {
              index: k[0],
              value: k.slice(1),
              holder: e.value,
            },
          );
        }
        // No KV check here: the claim was read under the write lock, and Deno KV allows
        // only 100 checks per atomic write (a site may claim hundreds of server names).
        if (e.value === owner) continue;
        op.set([IDX, ...k], owner);
        mutations++;
      }
      for (const k of oldIdx) {
        if (newIdx.some((n) => jsonEqual(n, k))) continue;
        op.delete([IDX, ...k]);
        mutations++;
      }
      const stored = newIdx.length ? { ...rec, _idx: newIdx } : rec;
      mutations += setJson(op, [REC, w.kind, w.name], stored, cur?.head.value ?? null);
      results.push({
        kind: w.kind,
        name: w.name,
        before: cur ? clean(cur.rec) : null,
        after: rec,
        created: !cur,
        changed: true,
      });
      audits.push({
        actor,
        action,
        entity: { kind: w.kind, name: w.name },
        before: cur ? clean(cur.rec) : null,
        after: rec,
      });
    }
    if (!results.some((r) => r.changed)) return results;
    for (const a of audits) {
      const id = newAuditId(this.now());
      mutations += setJson(op, auditKey(id), {
        ...a,
        id,
        at,
        outcome: outcome ?? "pending",
        ...(message ? { message } : {}),
      }, null);
      if (!outcome) {
        // resolved by the reconciler when the apply carrying this change ends
        op.set(pendingAuditKey(a.entity.kind, a.entity.name, id), true);
        mutations++;
      }
    }
    if (mutations > 990) {
      throw new AgentError(
        "VALIDATION_FAILED",
        `change is too large for one atomic write (${mutations} mutations)`,
      );
    }
    const res = await op.commit();
    if (!res.ok) {
      throw new AgentError(
        "CONFLICT",
        "the record changed while this request was being processed; retry",
        {},
      );
    }
    this.seq++;
    for (const fn of this.#listeners) fn();
    return results;
  }
}

/** Strips internal fields (index claims) from a stored record. */
export function clean(rec: Rec): Rec {
  if (!("_idx" in rec)) return rec;
  const { _idx: _i, ...r } = rec as Rec & { _idx?: unknown };
  return r as Rec;
}
