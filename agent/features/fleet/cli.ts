// `agent fleet status` (one line per node: state, generation, lag, last
// report, error), `agent fleet remove-node NODE --yes` (fence it), `agent
// fleet join` (a stopped single host's state into an empty fleet: join-command.ts)
// and `agent fleet canary abort|promote`.
import type { Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";
import type { FleetNodeView } from "./api.ts";
import { runJoin } from "./join-command.ts";
import type { Canary } from "../../fleet/canary.ts";

const dash = (v: unknown) => v === null || v === undefined ? "-" : String(v);

/** One line per node, aligned. Pure. */
export function statusLines(
  body: {
    store: string;
    generation?: number;
    controller?: string | null;
    stale?: boolean;
    stale_reason?: string | null;
    canary?: Canary | null;
  },
  nodes: FleetNodeView[],
): string[] {
  const out = [
    body.store === "kv"
      ? "store = kv: this node alone"
      : `generation ${body.generation}, controller ${body.controller ?? "none yet"}${
        body.stale ? `, stale: ${body.stale_reason}` : ""
      }`,
  ];
  const c = body.canary;
  if (c?.state === "running") {
    out.push(
      `canary ${c.id} on ${c.node}: generation ${
        c.generation ?? "(being written)"
      }, the others hold at ${c.base_generation}; ${
        c.healthy_since ? `healthy since ${c.healthy_since}` : "not yet healthy"
      }, promoted after ${c.hold_s} s`,
    );
  } else if (c) {
    out.push(`last canary ${c.id} on ${c.node}: ${c.state} ${c.ended_at ?? ""}: ${c.reason ?? ""}`);
  }
  out.push(
    `${"NODE".padEnd(20)} ${"STATE".padEnd(12)} ${"GEN".padStart(6)} ${"LAG".padStart(4)}  ${
      "REPORTED".padEnd(24)
    } ERROR`,
  );
  for (const n of nodes) {
    out.push(
      `${(n.name + (n.this ? " *" : "")).padEnd(20)} ${n.state.padEnd(12)} ${
        dash(n.applied_generation).padStart(6)
      } ${dash(n.lag).padStart(4)}  ${dash(n.reported_at).padEnd(24)} ${n.error ?? ""}`.trimEnd(),
    );
  }
  return out;
}

export const fleetCommand: Command = {
  name: "fleet",
  summary: "the fleet's nodes (store = etcd): status, remove-node, join, canary abort|promote",
  usage:
    "fleet status | remove-node NODE --yes | join [--dry-run] | canary abort [--reason R] | canary promote",
  help: `The nodes sharing this agent's desired state in etcd.

  agent fleet status               every node: state, applied generation, lag, last report, error
  agent fleet remove-node NODE --yes
                                   fence a node (down for good, or cut off): writes with
                                   ?wait=applied and barriers stop waiting for it
  agent fleet join [--dry-run]     on a STOPPED single-host agent whose settings say
                                   store = "etcd": copy its state into the fleet's
                                   empty prefix and make its state file the fleet's
                                   mirror (refused if the fleet holds any state);
                                   --dry-run prints the counts per kind, writes nothing
  agent fleet canary abort [--reason R]
                                   abort the running canary (agent apply FILE --canary NODE):
                                   its node rolls back, the others never apply it
  agent fleet canary promote       promote it now, without the rest of its hold`,
  flags: [
    { name: "yes", value: false, help: "remove-node: confirm the fence" },
    { name: "dry-run", value: false, help: "join: print what would be copied; write nothing" },
    { name: "reason", value: true, help: "canary abort: why (kept in the marker and the audit)" },
  ],
  async run(args, io) {
    const [verb = "status", node] = args.positionals;
    if (verb === "join") return await runJoin(args, io);
    if (verb === "canary") {
      if (node !== "abort" && node !== "promote") {
        throw new UsageError("usage: agent fleet canary abort [--reason R] | canary promote");
      }
      const body = args.flags.reason ? { reason: String(args.flags.reason) } : {};
      return await apiCall(args, io, "POST", `/api/fleet/canary/${node}`, body, (r) => {
        io.out(`canary ${r.canary.id} on ${r.canary.node}: ${r.canary.state}: ${r.canary.reason}`);
      });
    }
    if (verb === "status") {
      return await apiCall(args, io, "GET", "/api/fleet", undefined, (r) => {
        for (const l of statusLines(r, r.nodes)) io.out(l);
      });
    }
    if (verb !== "remove-node" || !node) throw new UsageError(`usage: agent ${fleetCommand.usage}`);
    if (args.flags.yes !== true) {
      throw new UsageError("remove-node fences the node: add --yes to confirm");
    }
    return await apiCall(
      args,
      io,
      "DELETE",
      `/api/fleet/nodes/${encodeURIComponent(node)}`,
      undefined,
      (r) => io.out(`node ${r.removed} removed from the fleet (fenced)`),
    );
  },
};
