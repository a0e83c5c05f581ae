// etcd transactions: compares on one key's value, version, create or mod
// revision, then the success or the failure ops (put, delete, range), all in
// one revision. `If.mod(key, "==", seen)` then puts is the If-Match pattern.
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
  type WireHeader,
  type WireKv,
  type WireRange,
} from "./etcd-wire.ts";

export type CompareOp = "==" | "!=" | ">" | "<";
export type CompareTarget = "value" | "version" | "create_revision" | "mod_revision" | "lease";

export interface Compare {
  key: string;
  target: CompareTarget;
  op: CompareOp;
  /** A string for value and lease; a number for version and the revisions. */
  against: string | number;
  /** Every key from `key` up to this one (base64, as prefixEnd gives it) must hold. */
  rangeEnd?: string;
}

/** Builders for compares; a missing key has version, create and mod revision 0. */
export const If = {
  value: (key: string, op: CompareOp, v: string): Compare => ({
    key,
    target: "value",
    op,
    against: v,
  }),
  version: (key: string, op: CompareOp, v: number): Compare => ({
    key,
    target: "version",
    op,
    against: v,
  }),
  created: (key: string, op: CompareOp, rev: number): Compare => ({
    key,
    target: "create_revision",
    op,
    against: rev,
  }),
  mod: (key: string, op: CompareOp, rev: number): Compare => ({
    key,
    target: "mod_revision",
    op,
    against: rev,
  }),
  /** The key does not exist. */
  missing: (key: string): Compare => ({ key, target: "create_revision", op: "==", against: 0 }),
  /** No key under `prefix` exists (a range compare: etcd checks every key in it, none is 0). */
  none: (prefix: string): Compare => ({
    key: prefix,
    target: "create_revision",
    op: "==",
    against: 0,
    rangeEnd: prefixEnd(prefix),
  }),
};

export type Op =
  | { put: { key: string; value: string } & PutOptions }
  | { delete: { key: string } & DeleteOptions }
  | { range: { key: string } & RangeOptions };

export const op = {
  put: (key: string, value: string, o: PutOptions = {}): Op => ({ put: { key, value, ...o } }),
  delete: (key: string, o: DeleteOptions = {}): Op => ({ delete: { key, ...o } }),
  range: (key: string, o: RangeOptions = {}): Op => ({ range: { key, ...o } }),
};

export type OpResult =
  | { type: "put"; prevKv?: KeyValue }
  | { type: "delete"; deleted: number; prevKvs: KeyValue[] }
  | ({ type: "range" } & RangeResult);

export interface TxnResult {
  succeeded: boolean;
  /** The results of the ops of the branch that ran, in order. */
  responses: OpResult[];
  /** The store's revision after the transaction (unchanged when nothing was written). */
  revision: number;
}

const TARGET: Record<CompareTarget, [string, string]> = {
  value: ["VALUE", "value"],
  version: ["VERSION", "version"],
  create_revision: ["CREATE", "create_revision"],
  mod_revision: ["MOD", "mod_revision"],
  lease: ["LEASE", "lease"],
};
const RESULT: Record<CompareOp, string> = {
  "==": "EQUAL",
  "!=": "NOT_EQUAL",
  ">": "GREATER",
  "<": "LESS",
};

function compareBody(c: Compare): Record<string, unknown> {
  const [target, field] = TARGET[c.target];
  return {
    key: b64(c.key),
    target,
    result: RESULT[c.op],
    [field]: c.target === "value" ? b64(String(c.against)) : String(c.against),
    ...(c.rangeEnd ? { range_end: c.rangeEnd } : {}),
  };
}

function opBody(o: Op): Record<string, unknown> {
  if ("put" in o) {
    const { key, value, ...rest } = o.put;
    return { request_put: putBody(key, value, rest) };
  }
  if ("delete" in o) {
    const { key, ...rest } = o.delete;
    return { request_delete_range: deleteBody(key, rest) };
  }
  const { key, ...rest } = o.range;
  return { request_range: rangeBody(key, rest) };
}

export function txnBody(compare: Compare[], success: Op[], failure: Op[]): unknown {
  return {
    compare: compare.map(compareBody),
    success: success.map(opBody),
    failure: failure.map(opBody),
  };
}

interface WireOpResult {
  response_put?: { prev_kv?: WireKv };
  response_delete_range?: { deleted?: string; prev_kvs?: WireKv[] };
  response_range?: WireRange;
}

export interface WireTxn {
  header?: WireHeader;
  succeeded?: boolean;
  responses?: WireOpResult[];
}

export function txnOf(w: WireTxn): TxnResult {
  const revision = num(w.header?.revision);
  return {
    succeeded: !!w.succeeded,
    revision,
    responses: (w.responses ?? []).map((r): OpResult => {
      if (r.response_put) {
        const p = r.response_put.prev_kv;
        return p ? { type: "put", prevKv: kvOf(p) } : { type: "put" };
      }
      if (r.response_delete_range) {
        const d = r.response_delete_range;
        return { type: "delete", deleted: num(d.deleted), prevKvs: (d.prev_kvs ?? []).map(kvOf) };
      }
      // A range inside a txn carries no header of its own: the txn's revision is its.
      return { type: "range", ...rangeOf(r.response_range ?? {}), revision };
    }),
  };
}
