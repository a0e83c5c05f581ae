// Follows a prefix the way a node follows `desired/`: a full snapshot (when it
// has nothing, or when etcd compacted the history it would resume from), then
// the changes after it, batch by batch. Each update names the revision the
// state is at, the node's `applied_revision` once it has applied it.
import { CompactedError, type Etcd, type KeyValue, type WatchEvent } from "./etcd.ts";

export type FollowUpdate =
  | {
    type: "snapshot";
    revision: number;
    kvs: KeyValue[];
    /** Why a snapshot: first read, or the history since `from` was compacted. */
    reason: "start" | "compacted";
  }
  | { type: "changes"; revision: number; events: WatchEvent[] };

export interface FollowOptions {
  /** The last revision already applied: changes after it are reported; 0 = a snapshot first. */
  fromRevision?: number;
  signal?: AbortSignal;
  pageSize?: number;
}

export async function* follow(
  etcd: Etcd,
  prefix: string,
  o: FollowOptions = {},
): AsyncGenerator<FollowUpdate, void, undefined> {
  let at = o.fromRevision ?? 0;
  let reason: "start" | "compacted" = "start";
  while (!o.signal?.aborted) {
    if (!at) {
      const snap = await etcd.rangeAll(prefix, { pageSize: o.pageSize, signal: o.signal });
      at = snap.revision;
      yield { type: "snapshot", revision: at, kvs: snap.kvs, reason };
    }
    try {
      const batches = etcd.watch(prefix, {
        prefix: true,
        startRevision: at + 1,
        signal: o.signal,
      });
      for await (const b of batches) {
        at = b.revision;
        if (b.events.length) yield { type: "changes", revision: b.revision, events: b.events };
      }
      return; // aborted
    } catch (e) {
      if (!(e instanceof CompactedError)) throw e;
      // The changes since `at` are gone: read everything again at the current revision.
      at = 0;
      reason = "compacted";
    }
  }
}
