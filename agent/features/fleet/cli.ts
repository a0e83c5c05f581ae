// `agent fleet status` (one line per node: state, generation, lag, last
// report, error), `agent fleet remove-node NODE --yes` (fence it) and `agent
// fleet join` (a stopped single host's state into an empty fleet: join-command.ts).
import type { Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";
import type { FleetNodeView } from "./api.ts";
import { runJoin } from "./join-command.ts";

const dash = (v: unknown) => v === null || v === undefined ? "-" : String(v);

/** One line per node, aligned. Pure. */
export function statusLines(
  body: {
    store: string;
    generation?: number;
    controller?: string | null;
    stale?: boolean;
    stale_reason?: string | null;
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
  summary: "the fleet's nodes (store = etcd): status, remove-node, join",
  usage: "fleet status | remove-node NODE --yes | join [--dry-run]",
  help: `The nodes sharing this agent's desired state in etcd.

  agent fleet status               every node: state, applied generation, lag, last report, error
  agent fleet remove-node NODE --yes
                                   fence a node (down for good, or cut off): writes with
                                   ?wait=applied and barriers stop waiting for it
  agent fleet join [--dry-run]     on a STOPPED single-host agent whose settings say
                                   store = "etcd": copy its state into the fleet's
                                   empty prefix and make its state file the fleet's
                                   mirror (refused if the fleet holds any state);
                                   --dry-run prints the counts per kind, writes nothing`,
  flags: [
    { name: "yes", value: false, help: "remove-node: confirm the fence" },
    { name: "dry-run", value: false, help: "join: print what would be copied; write nothing" },
  ],
  async run(args, io) {
    const [verb = "status", node] = args.positionals;
    if (verb === "join") return await runJoin(args, io);
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
