// `agent rebuild-db`: the state rebuilt from the nginx files on disk.
import type { Command } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";

export const rebuildDbCommand: Command = {
  name: "rebuild-db",
  summary: "rebuild the state from the nginx files and their sidecars on disk",
  usage: "rebuild-db [--dry-run] [--force] [--start-empty] [--json]",
  flags: [
    { name: "dry-run", value: false, help: "print what would be imported; write nothing" },
    { name: "force", value: false, help: "replace a state that already holds records" },
    {
      name: "start-empty",
      value: false,
      help: "keep an empty state after a loss instead (the next apply removes every managed site)",
    },
  ],
  help: `Rebuilds the state (Deno KV) from the current generation under
<nginx_dir>: every record of every kind is in its .meta.json sidecar. A config
file edited by hand since is parsed back into its record, and the output says so.
It never touches nginx: traffic keeps flowing, and the next apply is a no-op.

Without --force it refuses when the state already holds records. A corrupted
state file is moved aside (agent.kv.corrupt-<time>) when the agent opens it.`,
  run(args, io) {
    const q = new URLSearchParams();
    if (args.flags["dry-run"]) q.set("dry_run", "true");
    if (args.flags.force) q.set("force", "true");
    if (args.flags["start-empty"]) q.set("start_empty", "true");
    const path = `/api/config/rebuild-from-disk${q.size ? `?${q}` : ""}`;
    return apiCall(args, io, "POST", path, undefined, (r) => {
      if (r.start_empty) {
        io.out(r.message);
        return;
      }
      io.out(
        r.generation === null
          ? "no generation on disk: nothing to rebuild from"
          : `${
            r.dry_run ? "would rebuild" : "rebuilt"
          } the state from generation ${r.generation} (${r.source})${
            r.dry_run ? ": dry run, nothing written" : ""
          }`,
      );
      const kinds = Object.entries(r.kinds as Record<string, { count: number; names: string[] }>);
      const w = Math.max(4, ...kinds.map(([k]) => k.length));
      for (const [k, v] of kinds) {
        io.out(`  ${k.padEnd(w)} ${String(v.count).padStart(4)}: ${v.names.join(", ")}`);
      }
      io.out(`  ${r.records} record(s) in all`);
      if (r.hand_edits.length) {
        io.out("hand edits:");
        // deno-lint-ignore no-explicit-any
        for (const h of r.hand_edits as any[]) io.out(`  ${h.file} (${h.entity}): ${h.message}`);
      }
      if (r.unreadable.length) {
        io.out("could not read:");
        // deno-lint-ignore no-explicit-any
        for (const u of r.unreadable as any[]) io.out(`  ${u.file}: ${u.reason}`);
      }
      for (const warning of r.warnings) io.out(`warning: ${warning}`);
      if (!r.dry_run) {
        io.out(
          `wrote ${r.written} record(s)${
            r.removed.length ? `, removed ${r.removed.join(", ")}` : ""
          }`,
        );
        io.out(
          r.next_apply.length
            ? `the next apply changes: ${
              // deno-lint-ignore no-explicit-any
              r.next_apply.map((p: any) => `${p.action} ${p.id}`).join(
                ", ",
              )} (hand edits parsed back)`
            : "the next apply is a no-op: nginx already serves this state",
        );
      }
    });
  },
};
