// Watches over the gateway's streaming POST /v3/watch, resumed on another
// member when a stream breaks: from the revision after the last event seen, so
// no event is lost or repeated. A start revision etcd has compacted away ends
// the watch with CompactedError (the caller reads everything again).
import { AgentError } from "../errors.ts";
import type { EtcdTransport } from "./etcd-transport.ts";
import {
  b64,
  CompactedError,
  type KeyValue,
  kvOf,
  num,
  prefixEnd,
  unavailable,
  type WireError,
  type WireHeader,
  type WireKv,
} from "./etcd-wire.ts";

export interface WatchOptions {
  /** Every key that starts with the key. */
  prefix?: boolean;
  /** The first revision to report (history since then is replayed); default: from now. */
  startRevision?: number;
  /** Each event carries the key's value before it. */
  prevKv?: boolean;
  /** Ends the watch (the iterator returns). */
  signal?: AbortSignal;
}

export interface WatchEvent {
  type: "put" | "delete";
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface WatchBatch {
  /** The store's revision when etcd sent the batch: the state at it includes every event. */
  revision: number;
  events: WatchEvent[];
}

interface WireWatch {
  header?: WireHeader;
  created?: boolean;
  canceled?: boolean;
  cancel_reason?: string;
  compact_revision?: string;
  events?: { type?: string; kv?: WireKv; prev_kv?: WireKv }[];
}

type Message = { result?: WireWatch; error?: WireError };

const never = new AbortController().signal;

/** Waits `ms`, or less when `signal` ends first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Calls `open` again each time its stream breaks, on the next member, with a
 * short growing pause; after two breaks per endpoint in a row without a
 * message, the cluster is SHARED_STORE_UNAVAILABLE.
 */
async function* resumed<T>(
  t: EtcdTransport,
  signal: AbortSignal,
  what: string,
  open: () => Promise<{ endpoint: string; messages: AsyncGenerator<unknown> }>,
  handle: (m: Message) => { out?: T; progress: boolean },
): AsyncGenerator<T, void, undefined> {
  let breaks = 0;
  let why = "";
  while (!signal.aborted) {
    let s: { endpoint: string; messages: AsyncGenerator<unknown> };
    try {
      s = await open();
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    try {
      for await (const m of s.messages) {
        const { out, progress } = handle(m as Message);
        if (progress) breaks = 0;
        if (out !== undefined) yield out;
      }
      why = "the stream ended";
    } catch (e) {
      if (!(e instanceof AgentError) || e.code !== "SHARED_STORE_UNAVAILABLE") throw e;
      why = e.message;
      if (/auth token|user name is empty/.test(why)) t.forgetToken(s.endpoint);
    }
    if (signal.aborted) return;
    t.skip(s.endpoint);
    if (++breaks >= 2 * t.endpoints.length) {
      throw unavailable(`${what}: etcd streams keep breaking (last: ${why})`, {
        endpoints: t.endpoints,
      });
    }
    await pause(50 * breaks, signal);
  }
}

/** The events under `key` (or its prefix) as they happen, in revision order, in batches. */
export function watch(
  t: EtcdTransport,
  key: string,
  o: WatchOptions = {},
): AsyncGenerator<WatchBatch, void, undefined> {
  const signal = o.signal ?? never;
  let next = o.startRevision ?? 0;
  const what = `watch ${key}${o.prefix ? "*" : ""}`;
  const open = () => {
    const req: Record<string, unknown> = { key: b64(key) };
    if (o.prefix) req.range_end = prefixEnd(key);
    if (next) req.start_revision = String(next);
    if (o.prevKv) req.prev_kv = true;
    return t.stream("/v3/watch", { create_request: req }, signal, t.timeoutMs);
  };
  return resumed<WatchBatch>(t, signal, what, open, (m) => {
    if (m.error) throw streamError(what, m.error);
    const r = m.result ?? {};
    const compacted = num(r.compact_revision);
    if (compacted > 0) throw new CompactedError(compacted, `${what} from revision ${next}`);
    if (r.canceled) {
      throw unavailable(`${what}: etcd canceled it (${r.cancel_reason ?? "no reason given"})`);
    }
    const revision = num(r.header?.revision);
    if (r.created) {
      // "From now" becomes a fixed revision, so a resumed stream misses nothing.
      if (!next) next = revision + 1;
      return { progress: true };
    }
    const events = (r.events ?? []).map((e): WatchEvent => ({
      type: e.type === "DELETE" ? "delete" : "put",
      kv: kvOf(e.kv ?? {}),
      ...(e.prev_kv ? { prevKv: kvOf(e.prev_kv) } : {}),
    }));
    next = events.length ? events[events.length - 1].kv.modRevision + 1 : revision + 1;
    return { out: { revision, events }, progress: true };
  });
}

function streamError(what: string, w: WireError): AgentError {
  const msg = w.message ?? w.error ?? "unknown error";
  // A member that lost its leader (hasleader) or went away: resume elsewhere.
  return unavailable(`${what}: ${msg}`, { etcd_code: w.grpc_code ?? w.code });
}

/** The election's leader each time it changes (the first one as soon as there is one). */
export function observe(
  t: EtcdTransport,
  name: string,
  signal: AbortSignal = never,
): AsyncGenerator<KeyValue, void, undefined> {
  const what = `observe election ${name}`;
  let last = "";
  const open = () => t.stream("/v3/election/observe", { name: b64(name) }, signal);
  return resumed<KeyValue>(t, signal, what, open, (m) => {
    if (m.error) throw streamError(what, m.error);
    const kv = kvOf((m.result as { kv?: WireKv } | undefined)?.kv ?? {});
    // A resumed stream starts with the current leader again: report changes only.
    const id = `${kv.key}@${kv.modRevision}`;
    if (id === last) return { progress: true };
    last = id;
    return { out: kv, progress: true };
  });
}
