// CLI of the projects feature: activate, deactivate, check, projects,
// import-registry. Every change goes through the API (the running agent, or
// in-process when none runs).
import type { CliIO, Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { printError } from "../../cli/api-commands.ts";
import { applyLine, specFields, withClient } from "./cli-client.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function hop(h: Json): string {
  if (!h) return "-";
  if (h.skipped) return `skipped: ${h.skipped}`;
  return h.ok
    ? `GET ${h.url} -> ${h.status} (${h.ms} ms)`
    : `GET ${h.url} FAILED: ${h.error}${h.body ? ` [${String(h.body).slice(0, 80)}]` : ""}`;
}

function service(s: Json): string {
  if (!s) return "-";
  const d = s.detail ?? {};
  const parts = [`${s.manager}, ${s.state}`];
  if (s.pid) parts.push(`pid ${s.pid}`);
  if (d.unit) parts.push(`unit ${d.unit}`);
  if (d.log_file) parts.push(`log ${d.log_file}`);
  return parts.join(", ");
}

function printDiagnosis(io: CliIO, body: Json) {
  const d = body?.error?.detail;
  if (d?.hop) io.err(`  failed hop: ${d.hop}${d.url ? ` (${d.url})` : ""}`);
  if (typeof d?.diagnosis === "string" && d.diagnosis) {
    io.err(d.diagnosis.split("\n").map((l: string) => `  | ${l}`).join("\n"));
  }
}

const activateCommand: Command = {
  name: "activate",
  summary: "route /NAME/ to 127.0.0.1:PORT and start the project's service",
  usage: "activate NAME PORT [--command CMD] [--root DIR] [--health-path PATH]",
  help: `Activates project NAME: scaffolds <root>/NAME/web.py when the project runs
the default command (python3 web.py) and has none (never overwriting a file),
starts its service (systemd unit proj-NAME.service, or the builtin supervisor),
waits for GET http://127.0.0.1:PORT/health, adds the route /NAME/ on the
projects site, and checks /NAME/health through nginx. When a hop fails the
project is left as it was (service stopped, no route) and the failed hop is
named. ProjectsConfig of an existing project are kept unless given again.`,
  flags: [
    {
      name: "command",
      value: true,
      help:
        'the backend command (default "python3 web.py"), run in the project directory with PORT set',
    },
    {
      name: "root",
      value: true,
      help: "parent directory of the project directory (default: projects_root)",
    },
    { name: "health-path", value: true, help: "health path of the backend (default /health)" },
    { name: "description", value: true, help: "free text" },
  ],
  async run(args, io) {
    const [name, portArg] = args.positionals;
    if (!name || !portArg) throw new UsageError("usage: agent activate NAME PORT");
    const port = /^\d+$/.test(portArg) ? Number(portArg) : NaN;
    if (!Number.isInteger(port)) throw new UsageError(`PORT must be a number, got "${portArg}"`);
    return await withClient(args, io, async (client) => {
      const path = `/api/projects/${encodeURIComponent(name)}`;
      const cur = await client.request("GET", path);
      const body: Record<string, unknown> = {
        ...(cur.status === 200 ? specFields(cur.body) : {}),
        port,
        status: "active",
      };
      if (args.flags.command !== undefined) body.command = args.flags.command;
      if (args.flags.root !== undefined) body.root = args.flags.root;
      if (args.flags["health-path"] !== undefined) body.health_path = args.flags["health-path"];
      if (args.flags.description !== undefined) body.description = args.flags.description;
      const r = await client.request("PUT", path, body);
      if (r.status >= 400) {
        const code = printError(io, r.status, r.body);
        printDiagnosis(io, r.body);
        return code;
      }
      const b = r.body as Json;
      if (args.flags.json) {
        io.out(JSON.stringify(b, null, 2));
      } else {
        io.out(`project ${b.name} is active: ${b.url}`);
        io.out(`  service:   ${service(b.service)}`);
        io.out(`  internal:  ${hop(b.checks?.internal)}`);
        io.out(`  external:  ${hop(b.checks?.external)}`);
        io.out(`  directory: ${b.directory}${b.scaffolded ? ` (scaffolded ${b.scaffolded})` : ""}`);
        io.out(`  apply:     ${applyLine(b.apply)}`);
        for (const w of b.warnings ?? []) io.out(`  warning: ${w}`);
      }
      return b.checks?.external?.ok === false ? 1 : 0;
    });
  },
};

const deactivateCommand: Command = {
  name: "deactivate",
  summary: "remove the route /NAME/ and stop the project's service (its files stay)",
  usage: "deactivate NAME [--forget]",
  help: `Removes the route, then stops the service (systemctl disable --now and the
unit removed, or the builtin supervisor stops it). The project directory is
never touched. The project stays listed as inactive (activate it again with
\`agent activate NAME PORT\`); --forget removes the record as well.`,
  flags: [{ name: "forget", value: false, help: "also remove the project from the state" }],
  async run(args, io) {
    const [name] = args.positionals;
    if (!name) throw new UsageError("usage: agent deactivate NAME");
    return await withClient(args, io, async (client) => {
      const path = `/api/projects/${encodeURIComponent(name)}`;
      let r;
      if (args.flags.forget) r = await client.request("DELETE", path);
      else {
        const cur = await client.request("GET", path);
        if (cur.status >= 400) return printError(io, cur.status, cur.body);
        r = await client.request("PUT", path, { ...specFields(cur.body), status: "inactive" });
      }
      if (r.status >= 400) return printError(io, r.status, r.body);
      const b = r.body as Json;
      if (args.flags.json) io.out(JSON.stringify(b, null, 2));
      else {
        io.out(
          `project ${name} is ${
            args.flags.forget ? "removed" : "inactive"
          }: route removed, service stopped; ` +
            `${b.directory} kept`,
        );
        io.out(`  apply: ${applyLine(b.apply)}`);
        for (const w of b.warnings ?? []) io.out(`  warning: ${w}`);
      }
      return 0;
    });
  },
};

/** The human report of `agent check`. */
export function formatCheck(r: Json): string[] {
  const out: string[] = [];
  const n = r.nginx;
  out.push(
    `nginx:  ${n.ok ? "ok" : "FAIL"} (${
      !n.installed
        ? "not installed"
        : `config ${n.config_ok ? "valid" : "INVALID"}, ${
          n.running ? `running, pid ${n.pid}` : "NOT running"
        }`
    })`,
  );
  if (n.installed && n.config_ok === false) {
    out.push(...String(n.config_output).split("\n").map((l) => `        | ${l}`));
  }
  const rt = r.routes;
  out.push(
    `routes: ${rt.ok ? "ok" : "FAIL"} (mode ${rt.mode}${rt.file ? `, ${rt.file}` : ""}: ${
      Object.keys(rt.on_disk).length
    } project route(s) on disk)`,
  );
  for (const i of rt.issues) out.push(`        - ${i}`);
  out.push(`projects: ${r.projects.length === 0 ? "none" : ""}`);
  const w = Math.max(4, ...r.projects.map((p: Json) => p.name.length));
  for (const p of r.projects) {
    if (p.status !== "active") {
      out.push(`  ${p.name.padEnd(w)}  port ${p.port}  inactive  (${p.directory})`);
      continue;
    }
    out.push(`  ${p.name.padEnd(w)}  port ${p.port}  ${p.manager}  ${p.ok ? "ok" : "FAIL"}`);
    out.push(`      service:  ${p.service.ok ? "ok" : "FAIL"}  ${service(p.service)}`);
    out.push(
      `      port:     ${p.listening.ok ? "ok" : "FAIL"}  ${
        p.listening.addresses.length
          ? `listening on ${p.listening.addresses.join(", ")}`
          : "nothing listens"
      }`,
    );
    out.push(`      route:    ${p.route.ok ? "ok" : "FAIL"}  ${p.route.message}`);
    out.push(`      internal: ${p.internal.ok ? "ok" : "FAIL"}  ${hop(p.internal)}`);
    out.push(`      external: ${p.external.ok ? "ok" : "FAIL"}  ${hop(p.external)}`);
  }
  for (const w of r.warnings ?? []) out.push(`warning: ${w}`);
  out.push(r.ok ? "all well" : `${r.issues.length} problem(s):`);
  for (const i of r.issues) out.push(`  - ${i}`);
  return out;
}

const checkCommand: Command = {
  name: "check",
  summary: "check nginx, the project routes, and every project's service, port and health",
  usage: "check [--json]",
  help: `Checks that nginx's configuration is valid and nginx runs, that the project
routes nginx serves match the state, and per active project: its service runs,
its port listens (and not by a foreign process), GET http://127.0.0.1:PORT/health
answers (internal hop) and /NAME/health answers through nginx (external hop).
Exit code 0 only when all is well; --json prints the report for scripts.`,
  async run(args, io) {
    return await withClient(args, io, async (client) => {
      const r = await client.request("POST", "/api/projects/check");
      if (r.status >= 400) return printError(io, r.status, r.body);
      const b = r.body as Json;
      if (args.flags.json) io.out(JSON.stringify(b, null, 2));
      else for (const l of formatCheck(b)) io.out(l);
      return b.ok ? 0 : 1;
    });
  },
};

const projectsCommand: Command = {
  name: "projects",
  summary: "list projects, or show one with its service",
  usage: "projects [list | get NAME]",
  async run(args, io) {
    const [verb = "list", name] = args.positionals;
    return await withClient(args, io, async (client) => {
      if (verb === "get") {
        if (!name) throw new UsageError("usage: agent projects get NAME");
        const r = await client.request("GET", `/api/projects/${encodeURIComponent(name)}`);
        if (r.status >= 400) return printError(io, r.status, r.body);
        io.out(JSON.stringify(r.body, null, 2));
        return 0;
      }
      if (verb !== "list") throw new UsageError(`unknown projects action "${verb}"`);
      const r = await client.request("GET", "/api/projects");
      if (r.status >= 400) return printError(io, r.status, r.body);
      const list = (r.body as Json).projects as Json[];
      if (args.flags.json) io.out(JSON.stringify(r.body, null, 2));
      else if (list.length === 0) io.out("no projects");
      else {
        const w = Math.max(4, ...list.map((p) => p.name.length));
        io.out(`${"NAME".padEnd(w)}  PORT   STATUS    MANAGER  DIRECTORY`);
        for (const p of list) {
          io.out(
            `${p.name.padEnd(w)}  ${String(p.port).padEnd(5)}  ${p.status.padEnd(8)}  ${
              String(p.manager ?? "-").padEnd(7)
            }  ${p.root}/${p.name}`,
          );
        }
      }
      return 0;
    });
  },
};

import { importRegistryCommand } from "./import-registry-command.ts";

export const projectCommands: Command[] = [
  activateCommand,
  deactivateCommand,
  checkCommand,
  projectsCommand,
  importRegistryCommand,
];
