// The fleet's controller: one node at a time, elected in etcd
// (`election/controller`, campaign on a lease this node keeps alive). It runs
// the jobs whose work is the fleet's (oncePerFleet: expiry, bucket and
// registry sync); the others skip them. A clean stop revokes the lease, so
// another node takes over at once; a node that dies or is cut off loses it
// when the lease expires (CONTROLLER_TTL), and a leader that etcd no longer
// names (it observes the election) stops leading at once.
import type { Etcd, LeaseKeeper } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";

export const CONTROLLER_TTL = 10;

export interface Controller {
  leading(): boolean;
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));

export function startController(
  etcd: Etcd,
  keys: FleetKeys,
  node: string,
  log: (msg: string) => void,
  ttl = CONTROLLER_TTL,
  /** Called on every change of leading() (the migrations runner starts and stops with it). */
  onChange: (leading: boolean) => void = () => {},
): Controller {
  const ctl = new AbortController();
  let leading = false;
  const set = (v: boolean) => {
    if (v === leading) return;
    leading = v;
    try {
      onChange(v);
    } catch (e) {
      log(`fleet: ${e}`);
    }
  };
  let failing = false;
  const loop = async () => {
    while (!ctl.signal.aborted) {
      let keeper: LeaseKeeper | undefined;
      try {
        keeper = await etcd.lease(ttl);
        const won = await etcd.campaign(keys.controller, keeper.id, node, { signal: ctl.signal });
        set(true);
        failing = false;
        log(`fleet: ${node} is the fleet's controller`);
        // It leads until its lease is lost (etcd out of reach a whole TTL), etcd names
        // another leader (the lease expired or was revoked there: known before a keepalive
        // says so), or it stops.
        const watching = new AbortController();
        const ousted = (async () => {
          try {
            for await (const kv of etcd.observe(keys.controller, watching.signal)) {
              if (kv.key !== won.key) return `${kv.value} leads now`;
            }
            return null;
          } catch (e) {
            // Not sure it still leads: it steps down (and campaigns again).
            return watching.signal.aborted ? null : `cannot observe the election: ${e}`;
          }
        })();
        const why = await Promise.race([
          keeper.lost.then((e) => `its lease is lost (${e.message})`),
          ousted,
          aborted(ctl.signal).then(() => null),
        ]).finally(() => watching.abort());
        if (why) log(`fleet: ${node} is no longer the controller: ${why}; campaigning again`);
      } catch (e) {
        if (ctl.signal.aborted) break;
        if (!failing) log(`fleet: controller election failed (again every second): ${e}`);
        failing = true;
        await sleep(1000, ctl.signal);
      } finally {
        set(false);
        // Its candidacy and leadership go with the lease: the next candidate wins now.
        await keeper?.revoke().catch(() => {});
      }
    }
  };
  const running = loop();
  return {
    leading: () => leading,
    async stop() {
      ctl.abort();
      await running;
    },
  };
}
