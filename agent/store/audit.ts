// The audit log: who changed what, the before and after, and how the apply that
// carried the change ended (with nginx's own output). Change entries are written
// in the change's atomic operation as "pending" and resolved by the reconciler.
import { type Head, listHeads, readJson, setJson } from "./kvjson.ts";
import { commitAtomic } from "./commit.ts";

export const AUDIT = "audit";
export const AUDIT_PENDING = "audit_pending";

export interface AuditDraft {
  actor: string;
  action: string;
  entity: { kind: string; name: string };
  before: unknown;
  after: unknown;
  /** The tenant of the entity, when it has one (tenant tokens see only theirs). */
  tenant?: string;
}

export interface AuditEntry extends AuditDraft {
  id: string;
  at: string;
  outcome: string;
  message?: string;
  nginx_output?: string;
  generation?: number | null;
  detail?: Record<string, unknown>;
}

let lastMs = 0;
let seq = 0;

/** Time-ordered ids: sortable as strings, unique within the process. */
export function newAuditId(now: Date): string {
  const ms = now.getTime();
  if (ms === lastMs) seq++;
  else {
    lastMs = ms;
    seq = 0;
  }
  const rnd = crypto.getRandomValues(new Uint8Array(3)).reduce(
    (s, b) => s + b.toString(16).padStart(2, "0"),
    "",
  );
  return `${ms.toString(36).padStart(9, "0")}${seq.toString(36).padStart(3, "0")}${rnd}`;
}

export function auditKey(id: string): Deno.KvKey {
  return [AUDIT, id];
}

export function pendingAuditKey(kind: string, name: string, id: string): Deno.KvKey {
  return [AUDIT_PENDING, kind, name, id];
}

export async function appendAudit(kv: Deno.Kv, entry: Omit<AuditEntry, "id">): Promise<string> {
  const id = newAuditId(new Date(entry.at));
  const op = kv.atomic();
  setJson(op, auditKey(id), { ...entry, id }, null);
  await commitAtomic(op);
  return id;
}

/** Marks the pending change entries of an entity with the apply's outcome. */
export async function resolvePending(
  kv: Deno.Kv,
  kind: string,
  name: string,
  outcome: Pick<AuditEntry, "outcome" | "message" | "nginx_output" | "generation">,
): Promise<void> {
  for await (const p of kv.list({ prefix: [AUDIT_PENDING, kind, name] })) {
    const id = String(p.key[3]);
    const head = await kv.get<Head>(auditKey(id));
    const op = kv.atomic().delete(p.key);
    if (head.value) {
      const e = await readJson<AuditEntry>(kv, head as Deno.KvEntry<Head>);
      setJson(op, auditKey(id), { ...e, ...stripUndefined(outcome) }, head.value);
    }
    await commitAtomic(op);
  }
}

type Outcome = Pick<AuditEntry, "outcome" | "message" | "nginx_output" | "generation">;

/**
 * `resolvePending` for many entities at once, in as few atomic writes as fit:
 * the end of a burst's round resolves hundreds of entries, one commit each
 * would keep every caller waiting for the slowest.
 */
export async function resolvePendingAll(
  kv: Deno.Kv,
  items: { kind: string; name: string; outcome: Outcome }[],
): Promise<void> {
  const found = await Promise.all(items.map(async (it) => {
    const out: { key: Deno.KvKey; head: Deno.KvEntryMaybe<Head>; outcome: Outcome }[] = [];
    for await (const p of kv.list({ prefix: [AUDIT_PENDING, it.kind, it.name] })) {
      out.push({
        key: p.key,
        head: await kv.get<Head>(auditKey(String(p.key[3]))),
        outcome: it.outcome,
      });
    }
    return out;
  }));
  const entries = await Promise.all(
    found.flat().map(async (f) => ({
      ...f,
      entry: f.head.value ? await readJson<AuditEntry>(kv, f.head as Deno.KvEntry<Head>) : null,
    })),
  );
  // Deno KV caps an atomic write at 1,000 mutations and 800 KiB: stay well under both.
  let op = kv.atomic();
  let mutations = 0;
  let bytes = 0;
  for (const f of entries) {
    op.delete(f.key);
    mutations++;
    if (f.entry) {
      const value = { ...f.entry, ...stripUndefined(f.outcome) };
      mutations += setJson(op, f.head.key, value, f.head.value);
      bytes += JSON.stringify(value).length;
    }
    if (mutations > 800 || bytes > 400_000) {
      await commitAtomic(op);
      op = kv.atomic();
      mutations = bytes = 0;
    }
  }
  if (mutations) await commitAtomic(op);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface AuditQuery {
  entity?: string; // "kind" or "kind/name"
  action?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export async function queryAudit(
  kv: Deno.Kv,
  q: AuditQuery,
): Promise<{ entries: AuditEntry[]; page: number; page_size: number; has_more: boolean }> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 500);
  const page = Math.max(q.page ?? 1, 1);
  const [kind, name] = (q.entity ?? "").split("/");
  const from = q.from ? Date.parse(q.from) : -Infinity;
  const to = q.to ? Date.parse(q.to) : Infinity;
  const skip = (page - 1) * pageSize;
  const entries: AuditEntry[] = [];
  let matched = 0;
  for await (const h of listHeads(kv, [AUDIT], { reverse: true })) {
    const e = await readJson<AuditEntry>(kv, h);
    const t = Date.parse(e.at);
    if (t > to) continue;
    if (t < from) break;
    if (kind && e.entity.kind !== kind) continue;
    if (name && e.entity.name !== name) continue;
    if (q.action && e.action !== q.action) continue;
    matched++;
    if (matched <= skip) continue;
    if (entries.length === pageSize) return { entries, page, page_size: pageSize, has_more: true };
    entries.push(e);
  }
  return { entries, page, page_size: pageSize, has_more: false };
}
