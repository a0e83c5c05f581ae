// CLI commands of the resilience feature that go through the API: drift,
// absorb, rewrite, generation diff and rollback, backup and restore.
import type { Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";

/** A file argument: names inside the generation stay as they are, paths become absolute. */
function fileArg(p: string | undefined, usage: string): string {
  if (!p) throw new UsageError(usage);
  if (p.startsWith("/") || !p.includes("/")) return p;
  return `${Deno.cwd()}/${p.replace(/^\.\//, "")}`;
}

function indent(text: string, by = "    "): string {
  return text.replace(/\n$/, "").split("\n").map((l) => by + l).join("\n");
}

// deno-lint-ignore no-explicit-any
function applyLine(apply: any): string {
  if (!apply) return "nothing to apply";
  const parts = [`apply: ${apply.status}`];
  if (apply.generation !== undefined && apply.generation !== null) {
    parts.push(`generation ${apply.generation}`);
  }
  if (apply.reloaded) parts.push("nginx reloaded");
  if (apply.refused?.length) {
    // deno-lint-ignore no-explicit-any
    parts.push(`refused: ${apply.refused.map((r: any) => `${r.id} (${r.message})`).join("; ")}`);
  }
  return parts.join(", ");
}

const driftCommand: Command = {
  name: "drift",
  summary: "check the managed nginx files for hand edits, and nginx for its include line",
  usage: "drift [--json]",
  help: `Hashes every file of the current generation against what the agent wrote
and prints each difference as a unified diff, plus a missing include line in
nginx.conf, a stopped nginx, or a lost state file. Nothing is corrected:
\`agent absorb FILE\` imports an edit into the state, \`agent rewrite FILE\`
restores the file. Exit code 1 when drift is found.`,
  async run(args, io) {
    let ok = true;
    const code = await apiCall(args, io, "GET", "/api/config/drift", undefined, (d) => {
      ok = d.ok;
      if (d.ok) {
        io.out(
          `no drift: generation ${d.generation} matches what the agent wrote (${d.checked_at})`,
        );
        return;
      }
      io.out(`drift in generation ${d.generation} (${d.checked_at}):`);
      for (const i of d.issues) io.out(`  - ${i}`);
      for (const f of d.files) {
        io.out("");
        io.out(
          `${f.status}: ${f.path}${
            f.absorbable ? "  (agent absorb or agent rewrite)" : "  (agent rewrite)"
          }`,
        );
        if (f.diff) io.out(indent(f.diff));
      }
    });
    if (code === 0 && !args.flags.json && !ok) return 1;
    return code;
  },
};

const absorbCommand: Command = {
  name: "absorb",
  summary: "import a hand-edited pool or site file into the state (then apply it)",
  usage: "absorb FILE [--json]",
  help: `FILE is a managed file: site-web.conf, or its path under <nginx_dir>/current/.
Only what the agent models can be absorbed (upstream servers and their
parameters, lb method, keepalive; listen, server_name, locations with
proxy_pass, return, root/alias, allow/deny, add_header, client_max_body_size);
anything else is refused with the line that cannot be absorbed.`,
  run(args, io) {
    const path = fileArg(args.positionals[0], "usage: agent absorb FILE");
    return apiCall(args, io, "POST", "/api/config/absorb-file", { path }, (b) => {
      io.out(b.message);
      if (b.changed) io.out(applyLine(b.apply));
    });
  },
};

const rewriteCommand: Command = {
  name: "rewrite",
  summary: "restore a drifted managed file from the state and reload nginx",
  usage: "rewrite FILE [--json]",
  run(args, io) {
    const path = fileArg(args.positionals[0], "usage: agent rewrite FILE");
    return apiCall(args, io, "POST", "/api/config/rewrite-file", { path }, (b) => {
      for (const f of b.files) io.out(`${f.action}: ${f.file}`);
      io.out(
        b.reloaded ? "nginx reloaded" : b.output || "nginx not reloaded (nothing it reads changed)",
      );
    });
  },
};

const diffCommand: Command = {
  name: "diff",
  summary: "show what changed between two generations: agent diff A B",
  usage: "diff A B [--json]",
  run(args, io) {
    const [a, b] = args.positionals;
    if (!a || !b) throw new UsageError("usage: agent diff A B (generation numbers)");
    return apiCall(args, io, "GET", `/api/config/generations/${a}/diff/${b}`, undefined, (d) => {
      const e = d.entities;
      io.out(`generation ${d.from} -> ${d.to}`);
      io.out(`  records added: ${e.added.join(", ") || "-"}`);
      io.out(`  records removed: ${e.removed.join(", ") || "-"}`);
      io.out(`  records changed: ${e.changed.join(", ") || "-"}`);
      for (const f of d.files) {
        io.out("");
        io.out(`${f.status}: ${f.file}`);
        io.out(indent(f.diff));
      }
    });
  },
};

const rollbackCommand: Command = {
  name: "rollback",
  summary: "make an older generation current again (tested and reloaded as a new generation)",
  usage: "rollback N [--json]",
  run(args, io) {
    const n = args.positionals[0];
    if (!n) throw new UsageError("usage: agent rollback N (see agent generations)");
    return apiCall(args, io, "POST", `/api/config/generations/${n}/rollback`, undefined, (b) => {
      io.out(
        `rolled back to generation ${b.rolled_back_to}: now generation ${b.generation}` +
          (b.same_config_as_target
            ? " (same configuration)"
            : " (the configuration differs: see refused)"),
      );
      io.out(`  records changed: ${b.changed.join(", ") || "-"}`);
      io.out(`  ${applyLine(b.apply)}`);
    });
  },
};

const backupCommand: Command = {
  name: "backup",
  summary: "write a state backup now (rotated; secret fields stay sealed)",
  usage: "backup [--json]",
  run(args, io) {
    return apiCall(args, io, "POST", "/api/config/backup", undefined, (b) => {
      const kinds = Object.entries(b.counts).map(([k, n]) => `${n} ${k}`).join(", ");
      io.out(
        `backup written to ${b.path}: ${b.records} records (${
          kinds || "none"
        }), ${b.audit_entries} audit entries, ${b.bytes} bytes`,
      );
    });
  },
};

const restoreCommand: Command = {
  name: "restore",
  summary: "restore the state from a backup file, then apply it",
  usage: "restore FILE [--dry-run] [--json]",
  flags: [{ name: "dry-run", value: false, help: "show what would change, write nothing" }],
  help: `Replaces the state with the backup's records (records not in the backup
are removed), adds the backup's audit entries the log lacks, then applies the
state like any change (in apply_mode manual it stays pending). FILE must be
readable by the agent (same host).`,
  run(args, io) {
    const file = args.positionals[0];
    if (!file) throw new UsageError("usage: agent restore FILE [--dry-run]");
    const path = file.startsWith("/") ? file : `${Deno.cwd()}/${file.replace(/^\.\//, "")}`;
    const dryRun = args.flags["dry-run"] === true;
    return apiCall(args, io, "POST", "/api/config/restore", { path, dry_run: dryRun }, (b) => {
      io.out(`${dryRun ? "would restore" : "restored"} ${b.path} (taken ${b.backup_created_at})`);
      for (
        const [k, v] of Object.entries(
          b.kinds as Record<string, { count: number; names: string[] }>,
        )
      ) {
        io.out(`  ${k} ${v.count}: ${v.names.join(", ")}`);
      }
      io.out(`  create: ${b.create.join(", ") || "-"}`);
      io.out(`  update: ${b.update.join(", ") || "-"}`);
      io.out(`  delete: ${b.delete.join(", ") || "-"}`);
      io.out(`  unchanged: ${b.unchanged}`);
      if (!dryRun) {
        io.out(`  audit entries added: ${b.audit_entries_added}`);
        io.out(`  ${applyLine(b.apply)}`);
      }
    });
  },
};

export const resilienceCommands: Command[] = [
  driftCommand,
  absorbCommand,
  rewriteCommand,
  diffCommand,
  rollbackCommand,
  backupCommand,
  restoreCommand,
];
