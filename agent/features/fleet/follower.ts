// Every node follows `desired/` from the revision its mirror is at: each step
// (a snapshot, or a batch of changes) goes into the local KV as records other
// nodes wrote, the reconciler applies what is pending, and the node reports
// what it applied on `nodes/<node>/status` (registered once). etcd out of
// reach: the node keeps serving what it has and tries again every second.
// `beforeReport` is work the node must have done before it says it applied a
// generation (the migrations' refused mirrored deletes, node-mirrors.ts): it
// runs before every report and every second in between; its error makes the
// status a failed round, so no migration barrier passes on this node.
import { AgentError } from "../../errors.ts";
import { follow } from "../../fleet/follow.ts";
import { readGeneration } from "../../fleet/desired.ts";
import type { Etcd } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";
import { type NodeStatus, registerNode, StatusReporter } from "../../fleet/status.ts";
import type { Runtime } from "../../runtime.ts";
import { followUpdate, mirrorAt, snapshotUpdate } from "./mirror.ts";
import { type CanaryView, Hold } from "../../fleet/canary.ts";

export interface Follower {
  stop(): Promise<void>;
  /** Out of touch with etcd (reads answer from a mirror that may be behind), with why. */
  stale(): string | null;
  /** The last round's answer (for tests and status): ok, or why not. */
  last(): { generation: number; revision: number; ok: boolean; error: string | null } | null;
}

/** null for a read etcd compacted away (the error otherwise). */
const compacted = (e: unknown) => {
  if (e instanceof AgentError && e.code === "SHARED_STORE_COMPACTED") return null;
  throw e;
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export function startFollower(
  rt: Runtime,
  etcd: Etcd,
  keys: FleetKeys,
  node: string,
  view: CanaryView,
  /** Registered with the node (node_labels): a canary may name the node by them. */
  labels: Record<string, string> = {},
  beforeReport: () => Promise<string | null> = () => Promise.resolve(null),
): Follower {
  const ctl = new AbortController();
  const hold = new Hold(keys, node, view);
  const reporter = new StatusReporter(etcd, keys, node);
  let last: ReturnType<Follower["last"]> = null;
  let registered = false;
  let stale: string | null = "not in touch with etcd yet";
  let outage = false;

  // Reports go out one at a time, in order: a late one never overwrites a newer generation.
  let sent: NodeStatus | null = null;
  /** The last status etcd took (null: none yet). */
  let took: NodeStatus | null = null;
  let chain: Promise<void> = Promise.resolve();
  const send = (st: NodeStatus) => {
    sent = st;
    const p = chain.then(() => reporter.report(st)).then(() => void (took = st));
    chain = p.catch(() => {});
    return p;
  };
  // nginx workers of an older configuration still finishing requests (the barrier's D8).
  const oldWorkers = async () =>
    (await rt.nginx.workers().catch(() => [])).filter((w) => w.title.includes("shutting down"))
      .length;
  // The last round's own failure, and beforeReport's: a status is ok when neither failed.
  let roundError: string | null = null;
  let unsettled: string | null = null;
  const verdict = () => {
    const error = [roundError, unsettled].filter((x) => x).join("; ") || null;
    return { ok: !error, error };
  };
  // Every report is made whole under one lock (old workers counted, then beforeReport,
  // then sent), so an older beforeReport answer never overwrites a newer one.
  let lock: Promise<unknown> = Promise.resolve();
  const locked = <T>(f: () => Promise<T>): Promise<T> => {
    const p = lock.then(f);
    lock = p.catch(() => {});
    return p;
  };
  // Why this order makes the migration barrier sound: a barrier at G passes on a report
  // of generation >= G with no old worker. beforeReport runs AFTER nginx loaded G and
  // after the old workers were counted (none left is the only count that passes), so
  // every delete this node's nginx mirrored under an older config (a hold's keys among
  // them) is in its log by then and settled before the report that lets the barrier pass.
  const mirrored = async () => {
    unsettled = await beforeReport().catch((e) => (e as Error).message);
  };
  // While old workers remain, their count is reported again as it changes, down to 0.
  let settling: Promise<void> | null = null;
  const settle = () =>
    settling ??= (async () => {
      while (!ctl.signal.aborted && sent && sent.old_workers > 0) {
        await sleep(500, ctl.signal);
        if (ctl.signal.aborted) break;
        await locked(async () => {
          const n = await oldWorkers();
          if (!sent || n === sent.old_workers || ctl.signal.aborted) return;
          await mirrored();
          await send({ ...sent, ...verdict(), old_workers: n, at: new Date().toISOString() });
        }).catch(() => {});
      }
    })().finally(() => (settling = null));
  // Between rounds: what beforeReport made (or failed to) is reported as it changes.
  const background = setInterval(() => {
    if (!sent || ctl.signal.aborted) return;
    locked(async () => {
      await mirrored();
      const v = verdict();
      if (!sent || ctl.signal.aborted || (v.error === sent.error && took?.error === sent.error)) {
        return;
      }
      await send({ ...sent, ...v, at: new Date().toISOString() });
    }).catch(() => {});
  }, 1000);

  const round = async () => {
    // Applies whatever the mirror holds that nginx does not (others' writes and this node's):
    // the round starts after this read, so it has at least this generation.
    const at = await mirrorAt(rt.store.kv);
    const error = await rt.reconciler.submit([]).then(
      (o) =>
        o.status === "failed"
          ? o.error?.message ?? "the apply failed"
          // a record refused here is not applied here: the round did not reach this generation
          : o.refused.length
          ? `refused ${o.refused.map((x) => `${x.id}: ${x.message}`).join("; ")}`.slice(0, 2000)
          : null,
      (e) => (e as Error).message, // e.g. held: the node says why it applies nothing
    );
    last = { ...at, ok: !error, error };
    await locked(async () => {
      roundError = error;
      const old = await oldWorkers();
      await mirrored();
      await send({
        applied_generation: at.generation,
        applied_revision: at.revision,
        ...verdict(),
        nginx_version: rt.nginxVersion ?? "",
        old_workers: old,
        at: new Date().toISOString(),
      });
    });
    settle(); // (runs on; bounded by the old workers' exit and stop())
  };

  const loop = async () => {
    while (!ctl.signal.aborted) {
      try {
        await readGeneration(etcd, keys); // in touch again (the watch brings what is new)
        if (outage) rt.log("fleet: following etcd again");
        outage = false;
        stale = null;
        // Registered before its first round: a node that runs is one ?wait=applied and the
        // barriers wait for, even before it has applied anything (a write made meanwhile
        // must not count as applied everywhere).
        if (!registered) {
          await registerNode(etcd, keys, node, labels);
          registered = true;
        }
        hold.start(await etcd.get(keys.canary));
        const from = (await mirrorAt(rt.store.kv)).revision;
        // A mirror already current brings no step: report what it holds now. So after a
        // restart or a join, and after a report etcd did not take (its leader killed mid-
        // burst): this node's own writes moved the mirror on meanwhile, the watch resumes
        // after them, and the node stayed reported at an old generation (CI: 3 of 23).
        if (from && took?.applied_revision !== from) await round();
        const steps = follow(etcd, keys.desired, { fromRevision: from, signal: ctl.signal });
        for await (let u of steps) {
          // A canary on another node: what was written after its base waits for its end.
          if (u.type === "snapshot") {
            const at = hold.snapshot(u.kvs, u.revision);
            const base = at
              ? await etcd.rangeAll(keys.desired, { revision: at }).catch(compacted)
              : u;
            if (!base) { // the base is compacted too: keep what the mirror has until the end
              await round();
              continue;
            }
            u = { ...u, kvs: base.kvs };
          } else {
            const p = hold.pass(u.events);
            if (p.restart) break; // it skipped changes: follow again from the mirror
            u = { ...u, events: p.apply };
          }
          const v = u;
          await rt.store.mirror(async () => {
            const at = await mirrorAt(rt.store.kv);
            if (v.type === "snapshot" || at.revision) return followUpdate(keys, v, at);
            // No generation mirrored yet (an empty fleet, or a join copying in several
            // transactions): changes alone are not the state; read it whole at their revision.
            const snap = await etcd.rangeAll(keys.desired, { revision: v.revision });
            return snapshotUpdate(keys, snap.kvs);
          });
          await round();
        }
      } catch (e) {
        if (ctl.signal.aborted) break;
        // Once per outage, not every second of it.
        const msg = (e as Error).message;
        if (!outage) rt.log(`fleet: following etcd failed (trying again every second): ${msg}`);
        outage = true;
        stale = msg;
        await sleep(1000, ctl.signal);
      }
    }
  };
  const running = loop();

  return {
    last: () => last,
    stale: () => stale,
    async stop() {
      ctl.abort();
      clearInterval(background);
      await running;
      await lock;
      await settling;
      await chain;
      await reporter.stop({ revoke: true }).catch(() => {});
    },
  };
}
