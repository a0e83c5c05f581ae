// The shape of a store write: the ops of one atomic write and what each did.
import type { RecordFields } from "../model/record.ts";

/** A stored record: a kind's spec with the store's fields. */
export type Rec = RecordFields & Record<string, unknown>;

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
  tenant?: string; // its tenant; default: the record's, or the request's for a new one
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

/** A record without the store's fields: what a client sent. */
export function recordSpec(rec: Rec): Record<string, unknown> {
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, tenant: _t, ...spec } = rec;
  return spec;
}

/**
 * The one op that puts a record back as it was (after a refusal, a rollback, a
 * restore or a rebuild); null removes it. Claims are the store's to compute.
 */
export function putBackOp(
  kind: string,
  name: string,
  rec: Rec | null,
  o: { keepMeta?: boolean; ifMatch?: number } = {},
): WriteOp {
  if (!rec) return { type: "delete", kind, name, ifMatch: o.ifMatch };
  return {
    type: "put",
    kind,
    name,
    spec: recordSpec(rec),
    managedBy: rec.managed_by,
    tenant: rec.tenant,
    ifMatch: o.ifMatch,
    ...(o.keepMeta
      ? { meta: { version: rec.version, created_at: rec.created_at, updated_at: rec.updated_at } }
      : {}),
  };
}
