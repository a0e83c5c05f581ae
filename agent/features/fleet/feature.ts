// A fleet of agents on one desired state in etcd (store = "etcd"). The store
// writes through etcd first (mirror.ts: EtcdShared) and the local state file
// becomes this node's mirror; under `agent serve` the node follows etcd,
// applies other nodes' writes and reports its status (follower.ts). With
// store = "kv" (the default) nothing here runs.
import type { Feature } from "../../host.ts";
import { AgentError, invalid } from "../../errors.ts";
import { Etcd } from "../../fleet/etcd.ts";
import { etcdOptions } from "./etcd-options.ts";
import { fleetKeys } from "../../fleet/keys.ts";
import { covers, EtcdShared, mirrorAt } from "./mirror.ts";
import { FLEET_SETTINGS, nodeName } from "./settings.ts";
import { startFollower } from "./follower.ts";
import { startController } from "./controller.ts";
import { fleetDocs, type FleetHandle, fleetRouter } from "./api.ts";
import { fleetCommand } from "./cli.ts";
import { failedAt, waitApplied } from "../../fleet/waiting.ts";
import { readFleet } from "../../fleet/status.ts";
import { FLEET_WAIT } from "../../api/wait.ts";
import { FLEET_LINK } from "../../fleet/link.ts";
import { CanaryView, FLEET_CANARY } from "../../fleet/canary.ts";
import { isSelector, parseLabels, selectNode } from "../../fleet/labels.ts";
import { CanaryDriver } from "./canary.ts";
import { MIGRATION_FLEET } from "../migrations/barrier.ts";
import { NODE_MIRRORS } from "../migrations/node-mirrors.ts";
import { FleetBarrier } from "./barrier.ts";
import { EtcdBlobs } from "./blobs.ts";

export { etcdOptions } from "./etcd-options.ts";

/**
 * A state file that holds records but never mirrored the fleet is a single
 * host's own state: following etcd would replace it. `agent fleet join` (on
 * the stopped agent) copies it into an empty fleet and marks it a mirror.
 */
async function refuseOwnState(kv: Deno.Kv): Promise<void> {
  if ((await mirrorAt(kv)).revision) return;
  for await (const e of kv.list({ prefix: ["rec"] })) {
    if (e.key.length !== 3 || !covers(String(e.key[1]))) continue;
    throw invalid(
      "store",
      `the state file holds this host's own records (${String(e.key[1])}/${
        String(e.key[2])
      }, ...) and was never ` +
        `a fleet mirror: following the fleet would replace them with the fleet's. To make this ` +
        `host's state the fleet's, stop the agent and run \`agent fleet join\` (it copies the ` +
        `state into an empty fleet); to take the fleet's state instead, start on an empty data_dir`,
    );
  }
}

export const fleetFeature: Feature = {
  name: "fleet",
  setup(host) {
    const h = host.settings(FLEET_SETTINGS);
    const f: FleetHandle = {
      etcd: null,
      follower: null,
      controller: null,
      canary: null,
      view: new CanaryView(),
    };
    const leadership = new Set<() => void>();
    h.route({ prefix: "fleet", make: fleetRouter(f), docs: fleetDocs });
    h.command(fleetCommand);
    h.init(async (rt) => {
      if (rt.settings.store !== "etcd") return;
      if (rt.store.shared) throw new AgentError("INTERNAL", "fleet: the store is already shared");
      const o = await etcdOptions(rt.settings);
      await refuseOwnState(rt.store.kv);
      f.etcd = new Etcd(o);
      const keys = fleetKeys(rt.settings.cluster);
      const me = nodeName(rt.settings);
      rt.store.shared = new EtcdShared(f.etcd, keys, rt.store.kv, me, f.view);
      f.canary = new CanaryDriver(rt, f.etcd, keys, me, f.view, {
        follower: () => f.follower,
        leading: () => f.controller?.leading() ?? false,
      });
      // Set before the scheduler starts: no once-per-fleet run before the election.
      rt.scheduler.setGate(() =>
        f.controller?.leading() ? null : "not the fleet's controller (another node runs it)"
      );
    });
    h.start((rt) => {
      if (!f.etcd) return Promise.resolve(async () => {});
      const e = f.etcd;
      const keys = fleetKeys(rt.settings.cluster);
      // Before each report this node makes the deletes its nginx mirrored that a
      // migration's target refused (only it has its log): see node-mirrors.ts.
      const mirrors = rt.tryUse(NODE_MIRRORS);
      f.follower = startFollower(
        rt,
        e,
        keys,
        nodeName(rt.settings),
        f.view,
        parseLabels(rt.settings.node_labels),
        async () => (await mirrors?.settle())?.error ?? null,
      );
      f.controller = startController(e, keys, nodeName(rt.settings), rt.log, undefined, () => {
        for (const cb of leadership) cb();
      });
      f.canary?.start();
      return Promise.resolve(async () => {
        await f.canary?.stop();
        await f.controller?.stop();
        f.controller = null;
        await f.follower?.stop();
        f.follower = null;
        e.close();
      });
    });
    // The certificates feature issues on the controller and distributes through etcd.
    h.provide(FLEET_LINK, (rt) => () => {
      const etcd = f.etcd;
      if (!etcd) return null;
      const keys = fleetKeys(rt.settings.cluster);
      const s = rt.settings;
      return {
        etcd,
        keys,
        node: nodeName(s),
        leading: () => f.controller?.leading() ?? false,
        controller: async () => (await etcd.leader(keys.controller))?.value ?? null,
        generation: async () => (await mirrorAt(rt.store.kv)).generation,
        settings: {
          etcd_endpoints: s.etcd_endpoints,
          cluster: s.cluster,
          etcd_ca_file: s.etcd_ca_file,
          etcd_cert_file: s.etcd_cert_file,
          etcd_key_file: s.etcd_key_file,
          etcd_user: s.etcd_user,
          etcd_password: s.etcd_password,
        },
      };
    });
    // ?wait=applied: every registered node at the generation the mirror holds after the write.
    h.provide(FLEET_WAIT, (rt) => async (timeoutMs, signal) => {
      const etcd = f.etcd;
      if (!etcd) return null;
      const { generation } = await mirrorAt(rt.store.kv);
      const keys = fleetKeys(rt.settings.cluster);
      try {
        const r = await waitApplied(etcd, keys, generation, { timeoutMs, signal });
        // Every node reached G; those whose round failed did not apply it (named, not waited on).
        const failed = r.applied ? failedAt((await readFleet(etcd, keys)).nodes, generation) : [];
        return {
          applied: r.applied && !failed.length,
          generation,
          waiting_for: [...r.waiting_for, ...failed],
        };
      } catch (e) {
        // The write stands (etcd has it); only who applied it is unknown.
        return { applied: false, generation, waiting_for: [], error: (e as Error).message };
      }
    });
    // `agent apply FILE --canary NODE`: the gitops apply runs through this.
    h.provide(FLEET_CANARY, (rt) => ({
      async run(target, actor, write, judge) {
        if (!f.canary || !f.etcd) {
          throw new AgentError(
            "CONFLICT",
            "a canary needs a fleet (store = etcd): this agent is alone (store = kv)",
          );
        }
        // A label ("role=canary") names the node by what it registered (node_labels).
        const node = isSelector(target)
          ? selectNode((await readFleet(f.etcd, fleetKeys(rt.settings.cluster))).nodes, target)
          : target;
        return await f.canary.run(node, actor, write, judge);
      },
    }));
    // Migrations in a fleet: the fleet's barrier, run by the controller only (shared/specs/fleet.md).
    h.provide(MIGRATION_FLEET, (rt) => {
      if (rt.settings.store !== "etcd") return null;
      const keys = fleetKeys(rt.settings.cluster);
      return {
        barrier: new FleetBarrier(
          () => f.etcd,
          keys,
          async () => (await mirrorAt(rt.store.kv)).generation,
        ),
        node: nodeName(rt.settings),
        leading: () => f.controller?.leading() ?? false,
        onLeadership(cb) {
          leadership.add(cb);
          return () => leadership.delete(cb);
        },
        runner: async () => f.etcd ? (await f.etcd.leader(keys.controller))?.value ?? null : null,
        blobs: new EtcdBlobs(() => f.etcd, keys),
        async shareProgress(id, json) {
          const key = `${keys.migration(id)}/progress`;
          if (!f.etcd) return;
          if (json === null) await f.etcd.delete(key);
          else await f.etcd.put(key, json);
        },
        sharedProgress: async (id) =>
          (await f.etcd?.get(`${keys.migration(id)}/progress`))?.value ?? null,
      };
    });
    h.status("fleet", async (rt) => {
      if (rt.settings.store !== "etcd") return { store: "kv" };
      return {
        store: "etcd",
        cluster: rt.settings.cluster,
        node: nodeName(rt.settings),
        mirror: await mirrorAt(rt.store.kv),
        // Reads answer from the mirror; while out of touch with etcd it may be behind.
        stale: f.follower ? f.follower.stale() !== null : true,
        stale_reason: f.follower ? f.follower.stale() : "not following etcd (agent serve does)",
        last_round: f.follower?.last() ?? null,
      };
    });
  },
};
