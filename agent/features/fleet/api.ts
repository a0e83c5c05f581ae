// /api/fleet (admin only): every node of the fleet with the generation it
// applied, how far behind it is, its health and last error, when it last
// reported, and whether it is registered; and the fence of a node
// (DELETE /api/fleet/nodes/{node}): its registration and status go, so no
// wait or barrier waits for it. In kv mode the fleet is this node alone.
import { Hono } from "hono";
import { AgentError } from "../../errors.ts";
import { actor, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { appendAudit } from "../../store/audit.ts";
import type { Etcd } from "../../fleet/etcd.ts";
import { readGeneration } from "../../fleet/desired.ts";
import { fleetKeys } from "../../fleet/keys.ts";
import { readFleet, removeNode } from "../../fleet/status.ts";
import { type FleetRow, fleetRows } from "../../fleet/waiting.ts";
import type { Follower } from "./follower.ts";
import type { Controller } from "./controller.ts";
import { mirrorAt } from "./mirror.ts";
import type { CanaryDriver } from "./canary.ts";
import { type Canary, type CanaryView, holds, parseCanary } from "../../fleet/canary.ts";
import { type FleetRuntime as Runtime, nodeName } from "./settings.ts";

export interface FleetHandle {
  etcd: Etcd | null;
  follower: Follower | null;
  controller: Controller | null;
  canary: CanaryDriver | null;
  view: CanaryView;
}

export const fleetDocs = new ApiDoc()
  .describe("/api/fleet", "get", {
    tag: "fleet",
    summary:
      "Every node (admin): state ok|behind|held|failed|no_status|unregistered, applied_generation, lag, error, reported_at, registered, this; this node's stale flag; canary: the running or last canary (node, state running|promoted|aborted, base_generation, generation, hold_s, healthy_since, reason) or null. kv mode: {store: kv, nodes: [this node], canary: null}",
  })
  .describe("/api/fleet/canary/abort", "post", {
    tag: "fleet",
    summary:
      "Abort the running canary (admin; body {reason}): the desired records go back to its base in one generation, so the canary node rolls back and the others never apply it; 409 when none runs",
  })
  .describe("/api/fleet/canary/promote", "post", {
    tag: "fleet",
    summary:
      "Promote the running canary now (admin), without waiting for the rest of its hold: every node applies the latest generation; 409 when none runs",
  })
  .describe("/api/fleet/nodes/{node}", "delete", {
    tag: "fleet",
    summary:
      "Fence a node (admin): its registration and status leave etcd, so ?wait=applied and barriers stop waiting for it; 404 when etcd knows no such node",
  });

export type FleetNodeView = FleetRow & { registered: boolean; this: boolean; controller: boolean };

/** This node alone, as the local state knows it (kv mode, or etcd out of reach). */
function localRow(rt: Runtime, generation: number, error: string | null): FleetNodeView {
  const last = rt.reconciler.lastApply;
  const failed = last?.status === "failed";
  return {
    name: nodeName(rt.settings),
    state: failed ? "failed" : "ok",
    since: rt.startedAt.toISOString(),
    labels: {},
    applied_generation: generation,
    lag: null,
    error: failed ? last?.error?.message ?? "the apply failed" : error,
    nginx_version: rt.nginxVersion,
    old_workers: null,
    reported_at: last?.at ?? null,
    registered: false,
    this: true,
    controller: false,
  };
}

export async function fleetView(rt: Runtime, f: FleetHandle) {
  const me = nodeName(rt.settings);
  if (!f.etcd) {
    return {
      store: "kv",
      canary: null,
      nodes: [localRow(rt, rt.reconciler.currentGeneration ?? 0, null)],
    };
  }
  const keys = fleetKeys(rt.settings.cluster);
  const stale = f.follower ? f.follower.stale() : "not following etcd (agent serve does)";
  const base = { store: "etcd", cluster: rt.settings.cluster, node: me };
  try {
    const [{ generation }, fleet, leader, marker] = await Promise.all([
      readGeneration(f.etcd, keys),
      readFleet(f.etcd, keys),
      f.etcd.leader(keys.controller),
      f.etcd.get(keys.canary),
    ]);
    const canary: Canary | null = parseCanary(marker);
    const nodes = fleetRows(fleet.nodes, generation).map((r, i) => ({
      ...r,
      // Behind only because it waits for the canary on another node.
      state: holds(canary, r.name) && r.state === "behind" &&
          (r.applied_generation ?? 0) >= canary!.base_generation
        ? "held" as const
        : r.state,
      registered: !!fleet.nodes[i].registered,
      this: r.name === me,
      controller: r.name === leader?.value,
    }));
    return {
      ...base,
      controller: leader?.value ?? null,
      generation,
      revision: fleet.revision,
      stale: stale !== null,
      stale_reason: stale,
      canary,
      nodes,
    };
  } catch (e) {
    // etcd out of reach: what this node knows of itself, flagged.
    const msg = (e as Error).message;
    const at = await mirrorAt(rt.store.kv);
    return {
      ...base,
      generation: at.generation,
      revision: at.revision,
      stale: true,
      stale_reason: msg,
      canary: f.view.marker,
      nodes: [localRow(rt, at.generation, `etcd: ${msg}`)],
    };
  }
}

function driver(f: FleetHandle): CanaryDriver {
  if (!f.canary) {
    throw new AgentError("CONFLICT", "this agent is not in a fleet (store = kv): no canary");
  }
  return f.canary;
}

export function fleetRouter(f: FleetHandle) {
  return (rt: Runtime) =>
    new Hono()
      .get("/", async (c) => c.json(await fleetView(rt, f)))
      .post("/canary/abort", async (c) => {
        const body = await c.req.json().catch(() => ({})) as { reason?: unknown };
        const reason = typeof body?.reason === "string" && body.reason
          ? body.reason.slice(0, 500)
          : "aborted by an operator";
        return c.json({ canary: await driver(f).abort(reason, actor(c)) });
      })
      .post("/canary/promote", async (c) => {
        return c.json({ canary: await driver(f).promote("promoted by an operator", actor(c)) });
      })
      .delete("/nodes/:node", async (c) => {
        const node = param(c, "node");
        if (!f.etcd) {
          throw new AgentError(
            "CONFLICT",
            "this agent is not in a fleet (store = kv): nothing to fence",
          );
        }
        const keys = fleetKeys(rt.settings.cluster);
        keys.node(node); // checks the name
        if (!(await removeNode(f.etcd, keys, node))) {
          throw new AgentError("NOT_FOUND", `no node ${node} in fleet ${rt.settings.cluster}`);
        }
        await appendAudit(rt.store.kv, {
          at: new Date().toISOString(),
          actor: actor(c),
          action: "fleet.remove_node",
          entity: { kind: "node", name: node },
          before: null,
          after: null,
          outcome: "removed",
          message: `node ${node} fenced: no longer waited for`,
          generation: rt.reconciler.currentGeneration,
        });
        return c.json({ removed: node });
      });
}
