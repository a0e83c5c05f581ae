// Every gateway's own mirror logs. In a fleet each node's nginx logs the
// deletes IT mirrored (split.ts), and only that node can read them: so every
// node makes the deletes its log says the target refused (mirror-log.ts), in
// the background while a split is live and before it reports a generation
// (fleet/follower.ts). A node that cannot (the target still refuses) reports
// a failed round naming the keys, and no migration barrier passes until it
// can: the controller's copy under a hold would otherwise bring them back.
//
// Offsets live in memory only (one MirrorLog per migration and direction): a
// restarted node reads its logs from the start and makes the refused deletes
// again, which is safe because the side they go to takes no client write
// while its log is settled here: the source during write_routing and
// verifying (writes go to the destination), the destination while aborting
// (writes go to the source); but for an upload pinned to the source (D9)
// completed, after such a delete, to the same key. A forward log is never
// settled once the split is reversed (a client may write those keys to the
// source again); abort.ts waits for every node to have settled it before
// reversing.
import { clientForPool } from "../storage/mod.ts";
import { serviceKey } from "../../runtime.ts";
import { MirrorLog } from "./mirror-log.ts";
import { listMigrations, type MigrationRec } from "./records.ts";
import type { MigrationRuntime } from "./settings.ts";

export interface Settled {
  /** Keys deleted on the target this time, as `<migration>: <key>`. */
  redone: string[];
  /** Why some refused deletes are still not made (the keys named), or null. */
  error: string | null;
}

export interface NodeMirrors {
  /** Makes the refused deletes logged so far by this node's nginx (calls run one at a time). */
  settle(): Promise<Settled>;
}

export const NODE_MIRRORS = serviceKey<NodeMirrors>("migration-node-mirrors");

/** The logs a migration's phase has live on this node: forward (to the source) or reversed. */
function directions(m: MigrationRec): boolean[] {
  if (m.phase === "write_routing" || m.phase === "verifying") return [false];
  if (m.phase === "aborting") return [true];
  return [];
}

export class NodeMirrorSettler implements NodeMirrors {
  readonly #logs = new Map<string, MirrorLog>();
  #chain: Promise<unknown> = Promise.resolve();

  constructor(private rt: MigrationRuntime, private log: (msg: string) => void = () => {}) {}

  settle(): Promise<Settled> {
    const p = this.#chain.then(() => this.#settle());
    this.#chain = p.catch(() => {});
    return p;
  }

  async #settle(): Promise<Settled> {
    const redone: string[] = [];
    const errors: string[] = [];
    const live = new Set<string>();
    for (const m of await listMigrations(this.rt)) {
      for (const reversed of directions(m)) {
        const id = `${m.name}:${reversed ? "abort-mirror" : "mirror"}`;
        live.add(id);
        try {
          let log = this.#logs.get(id);
          if (!log) {
            // A client of a member that answers now, each time; one quick retry: while the
            // target refuses, this node's reports (which wait for this) say so at once.
            const pool = reversed ? m.dst : m.src;
            const target = {
              deleteObjects: async (bucket: string, keys: string[]) =>
                (await clientForPool(this.rt, pool, { retries: 1, timeoutMs: 15_000 }))
                  .deleteObjects(bucket, keys),
            };
            log = new MirrorLog(this.rt, m, target, reversed);
            this.#logs.set(id, log);
          }
          const keys = await log.settle();
          if (keys.length) {
            this.log(
              `migrations: ${m.name}: ${keys.length} delete(s) ${
                reversed ? m.dst : m.src
              } refused made again by this node: ${keys.slice(0, 10).join(", ")}`,
            );
          }
          redone.push(...keys.map((k) => `${m.name}: ${k}`));
        } catch (e) {
          const why = (e as Error).message.replace(/; the migration stops here$/, "");
          errors.push(`migration ${m.name}: ${why}; its barriers wait for this node`);
        }
      }
    }
    for (const id of [...this.#logs.keys()].filter((x) => !live.has(x))) this.#logs.delete(id);
    return { redone, error: errors.length ? errors.join("; ").slice(0, 2000) : null };
  }
}
