// `agent import-registry FILE`: adopt the projects of a projrouter registry.toml
// (the plan from the running agent's settings and nginx, then activation of each
// project through the API).
import type { Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { printError } from "../../cli/api-commands.ts";
import { parseRegistry } from "./registry-toml.ts";
import { importPlan } from "./import-plan.ts";
import { specFields, withClient } from "./cli-client.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

export const importRegistryCommand: Command = {
  name: "import-registry",
  summary: "import projrouter's registry.toml: show the plan, then activate its projects",
  usage: "import-registry FILE [--dry-run] [--yes]",
  help: `Reads a projrouter registry.toml ([global] root, domain, https_port,
nginx_routes_file; [projects] name = port), prints what it will do (projects to
activate or update, settings that differ), then activates each project like
\`agent activate\`. Projects the agent has that the file lacks are left alone.
--dry-run only prints the plan. Without --yes it asks on a terminal, and refuses
otherwise. ProjectsConfig are not changed: the plan prints the \`agent config set\`
lines to run (then restart the agent).`,
  flags: [
    { name: "dry-run", value: false, help: "print the plan and change nothing" },
    { name: "yes", value: false, help: "import without asking" },
  ],
  async run(args, io) {
    const [file] = args.positionals;
    if (!file) throw new UsageError("usage: agent import-registry FILE");
    const reg = parseRegistry(await Deno.readTextFile(file), file);
    return await withClient(args, io, async (client) => {
      const list = await client.request("GET", "/api/projects");
      if (list.status >= 400) return printError(io, list.status, list.body);
      // The running agent's settings and its nginx, not this CLI's (which may read other files).
      const q = reg.global.nginx_routes_file
        ? `?routes_file=${encodeURIComponent(reg.global.nginx_routes_file)}`
        : "";
      const ctx = await client.request("GET", `/api/projects/import-context${q}`);
      if (ctx.status >= 400) return printError(io, ctx.status, ctx.body);
      const plan = importPlan(
        reg,
        (list.body as Json).projects,
        (ctx.body as Json).settings,
        (ctx.body as Json).hop,
      );
      io.out(`${file}: ${reg.projects.length} project(s)`);
      for (const i of plan.items) {
        io.out(`  ${i.action.padEnd(9)} ${i.name} on port ${i.port} (${i.note})`);
      }
      for (const n of plan.untouched) io.out(`  left alone ${n} (not in the file)`);
      if (plan.settings.length) {
        io.out(
          `settings that differ from the file (not changed by the import; run, then restart the agent):`,
        );
        for (const l of plan.settings) io.out(`  ${l}`);
      }
      const todo = plan.items.filter((i) => i.action !== "unchanged");
      if (args.flags["dry-run"]) {
        io.out(`dry run: nothing imported (${todo.length} change(s) planned)`);
        return 0;
      }
      if (todo.length === 0) {
        io.out("nothing to import");
        return 0;
      }
      if (!args.flags.yes) {
        if (!Deno.stdin.isTerminal()) {
          io.err("nothing imported: add --yes to import (or --dry-run to only show the plan)");
          return 1;
        }
        const answer = prompt(`Import ${todo.length} project(s)? [y/N]`);
        if (!/^y(es)?$/i.test(answer ?? "")) {
          io.out("nothing imported");
          return 1;
        }
      }
      let failed = 0;
      for (const i of todo) {
        const path = `/api/projects/${encodeURIComponent(i.name)}`;
        const cur = plan.items.find((x) => x.name === i.name);
        const existing = ((list.body as Json).projects as Json[]).find((p) => p.name === i.name);
        const body = {
          ...(existing ? specFields(existing) : {}),
          port: i.port,
          status: "active",
          ...(reg.global.root ? { root: reg.global.root } : {}),
        };
        const r = await client.request("PUT", path, body);
        if (r.status >= 400) {
          failed++;
          const e = (r.body as Json)?.error;
          io.err(`  FAILED    ${i.name}: ${e ? `${e.code}: ${e.message}` : `HTTP ${r.status}`}`);
          continue;
        }
        io.out(
          `  ${cur!.action === "activate" ? "activated" : "updated  "} ${i.name} on port ${i.port}`,
        );
      }
      io.out(
        failed
          ? `${todo.length - failed} of ${todo.length} imported, ${failed} failed`
          : `${todo.length} imported`,
      );
      return failed ? 1 : 0;
    });
  },
};
