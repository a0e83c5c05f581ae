// Who runs the migrations. One host: this agent, from `agent serve` on. A
// fleet: only the controller (shared/specs/fleet.md, "Controller duties"), so
// rclone runs on one node, never on two or none. On gaining the lead the node
// waits a short grace (a predecessor cut off from etcd learns it lost the lead
// a moment after etcd let its lease go, and stops its rclone then), then
// resumes every non-terminal migration at its persisted phase; on losing it
// every run stops without writing (the next controller resumes them). While
// it leads it kicks every second: a migration started through another node's
// API is a shared record this node's mirror receives; and it shares each
// run's live progress (waiting_for among it) for the other nodes' API.
import type { MigrationEngine } from "./engine.ts";
import type { MigrationFleet } from "./barrier.ts";

export const TAKEOVER_GRACE_MS = 2000;
const KICK_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `engine` while this node leads; the answer stops it. */
export function runOnController(
  engine: MigrationEngine,
  fleet: MigrationFleet,
  log: (msg: string) => void,
  o: { graceMs?: number; kickMs?: number } = {},
): () => Promise<void> {
  let stopped = false;
  let runs = false;
  let chain: Promise<void> = Promise.resolve();
  const shared = new Map<string, string>(); // id -> the progress last shared
  const share = async () => {
    const now = new Set(engine.running);
    for (const id of now) {
      const json = JSON.stringify({ ...engine.progress(id), runner: fleet.node });
      if (shared.get(id) === json) continue;
      await fleet.shareProgress(id, json);
      shared.set(id, json);
    }
    for (const id of [...shared.keys()].filter((x) => !now.has(x))) {
      await fleet.shareProgress(id, null);
      shared.delete(id);
    }
  };
  void engine.pause(); // (sets the flag now: nothing runs before this node leads)
  const step = () =>
    chain = chain.then(async () => {
      if (stopped) return;
      if (fleet.leading() && !runs) {
        await sleep(o.graceMs ?? TAKEOVER_GRACE_MS);
        if (stopped || !fleet.leading()) return;
        runs = true;
        engine.resume();
        log(`migrations: ${fleet.node} leads the fleet: it runs the migrations`);
      } else if (!fleet.leading() && runs) {
        runs = false;
        const were = engine.running;
        await engine.pause();
        log(
          `migrations: ${fleet.node} no longer leads the fleet: stopped ${
            were.length ? were.join(", ") : "nothing"
          } (the next controller resumes from the persisted phase)`,
        );
      }
      if (runs) await engine.kick();
      await share().catch(() => {}); // (etcd out of reach: the runs go on, shared again later)
    }).catch((e) => log(`migrations: ${(e as Error).message}`));
  const off = fleet.onLeadership(() => step());
  const timer = setInterval(step, o.kickMs ?? KICK_MS);
  step();
  return async () => {
    stopped = true;
    off();
    clearInterval(timer);
    await chain;
    await engine.stop();
  };
}
