// What etcd's v3 JSON gateway sends and expects, and the typed shapes the client
// hands out. The gateway speaks protobuf-as-JSON: keys and values are base64,
// int64 fields are decimal strings, and fields at their default (0, false, "",
// the first enum value) are left out. Revisions fit a JS number (2^53); lease
// ids do not, so they stay strings.
import { AgentError } from "../errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

export function b64(s: string): string {
  return bytesB64(enc.encode(s));
}

function bytesB64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function unb64(s: string | undefined): string {
  if (!s) return "";
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return dec.decode(bytes);
}

/** The range_end that selects every key starting with `prefix` (base64). */
export function prefixEnd(prefix: string): string {
  const bytes = [...enc.encode(prefix)];
  while (bytes.length && bytes[bytes.length - 1] === 0xff) bytes.pop();
  // An empty or all-0xff prefix means "every key": range_end "\0".
  if (!bytes.length) return bytesB64(new Uint8Array([0]));
  bytes[bytes.length - 1]++;
  return bytesB64(new Uint8Array(bytes));
}

export const num = (s: string | number | undefined): number => Number(s ?? 0);

export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  /** The lease id ("" when the key has none). */
  lease: string;
}

export interface WireKv {
  key?: string;
  value?: string;
  create_revision?: string;
  mod_revision?: string;
  version?: string;
  lease?: string;
}

export interface WireHeader {
  revision?: string;
  member_id?: string;
  raft_term?: string;
}

export function kvOf(w: WireKv): KeyValue {
  return {
    key: unb64(w.key),
    value: unb64(w.value),
    createRevision: num(w.create_revision),
    modRevision: num(w.mod_revision),
    version: num(w.version),
    lease: w.lease && w.lease !== "0" ? w.lease : "",
  };
}

export interface RangeOptions {
  /** Every key that starts with `key`. */
  prefix?: boolean;
  /** Read at this revision (a consistent snapshot); a compacted one is SHARED_STORE_COMPACTED. */
  revision?: number;
  limit?: number;
  keysOnly?: boolean;
  /** Only the count, no keys. */
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  count: number;
  /** More keys matched than `limit` returned. */
  more: boolean;
  /** The store's revision when it answered. */
  revision: number;
}

export interface PutOptions {
  lease?: string;
  prevKv?: boolean;
}

export interface DeleteOptions {
  prefix?: boolean;
  prevKv?: boolean;
}

export function rangeBody(key: string, o: RangeOptions = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { key: b64(key) };
  if (o.prefix) body.range_end = prefixEnd(key);
  if (o.revision) body.revision = String(o.revision);
  if (o.limit) body.limit = String(o.limit);
  if (o.keysOnly) body.keys_only = true;
  if (o.countOnly) body.count_only = true;
  return body;
}

export function putBody(key: string, value: string, o: PutOptions = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { key: b64(key), value: b64(value) };
  if (o.lease) body.lease = o.lease;
  if (o.prevKv) body.prev_kv = true;
  return body;
}

export function deleteBody(key: string, o: DeleteOptions = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { key: b64(key) };
  if (o.prefix) body.range_end = prefixEnd(key);
  if (o.prevKv) body.prev_kv = true;
  return body;
}

export interface WireRange {
  header?: WireHeader;
  kvs?: WireKv[];
  count?: string;
  more?: boolean;
}

export function rangeOf(w: WireRange): RangeResult {
  return {
    kvs: (w.kvs ?? []).map(kvOf),
    count: num(w.count),
    more: !!w.more,
    revision: num(w.header?.revision),
  };
}

/** What the gateway answers on a refusal: the gRPC status code and its message. */
export interface WireError {
  error?: string;
  message?: string;
  code?: number;
  grpc_code?: number;
  http_code?: number;
}

export const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  OUT_OF_RANGE: 11,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** A watch or a read at a revision etcd has compacted away: resync from a full range. */
export class CompactedError extends AgentError {
  readonly compactRevision: number;
  constructor(compactRevision: number, what: string) {
    super(
      "SHARED_STORE_COMPACTED",
      `${what}: etcd has compacted its history up to revision ${compactRevision}; read it all again`,
      { compact_revision: compactRevision },
    );
    this.compactRevision = compactRevision;
  }
}

export function unavailable(message: string, detail: Record<string, unknown> = {}): AgentError {
  return new AgentError("SHARED_STORE_UNAVAILABLE", message, detail);
}

/** The token etcd wants again: expired, unknown to this member, or missing. */
export function isAuthRetry(w: WireError): boolean {
  const code = w.code ?? w.grpc_code;
  const msg = w.message ?? w.error ?? "";
  return code === GRPC.UNAUTHENTICATED || /user name is empty|invalid auth token/.test(msg);
}

/** An AgentError for a refusal etcd answered (the request reached it). */
export function refusal(endpoint: string, path: string, w: WireError): AgentError {
  const code = w.code ?? w.grpc_code ?? 2;
  const msg = w.message ?? w.error ?? "unknown error";
  const detail = { endpoint, path, etcd_code: code, etcd_message: msg };
  if (code === GRPC.OUT_OF_RANGE && /compacted/.test(msg)) {
    const e = new CompactedError(0, `${path} at ${endpoint}`);
    Object.assign(e.detail, detail);
    return e;
  }
  if (code === GRPC.NOT_FOUND) return new AgentError("NOT_FOUND", `etcd: ${msg}`, detail);
  if (
    code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED ||
    code === GRPC.UNAUTHENTICATED || code === GRPC.PERMISSION_DENIED ||
    /authentication failed|user name is empty|invalid auth token|permission denied/.test(msg)
  ) {
    return unavailable(`etcd at ${endpoint} refused ${path}: ${msg}`, detail);
  }
  return new AgentError("INTERNAL", `etcd at ${endpoint} refused ${path}: ${msg}`, detail);
}
