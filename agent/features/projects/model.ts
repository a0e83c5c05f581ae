// Projects: a backend on 127.0.0.1:<port>, run as a service from
// <root>/<name>/, reachable through nginx at /<name>/ on the projects site.
import { z } from "zod";
import { absPath, entityName, uriPath } from "../../model/grammar.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";

export const PROJECT_KIND = "project";
export const DEFAULT_COMMAND = "python3 web.py";
export const MIN_PORT = 1024;

/**
 * A command is argv words separated by spaces, run without a shell (builtin)
 * and written into ExecStart= (systemd). Words are restricted so that neither
 * a shell, systemd (`%` specifiers, `$` expansion, quotes, `;`) nor a unit
 * file line break can read them as syntax.
 */
const WORD_RE = /^[A-Za-z0-9._\/:=@+,-]+$/;

export function commandWords(v: string): string[] {
  return v.trim().split(/ +/).filter((w) => w !== "");
}

export const command = (v: string): string | null => {
  const words = commandWords(v);
  if (words.length === 0) return "must not be empty";
  if (words.length > 64) return "has more than 64 words";
  const bad = words.find((w) => !WORD_RE.test(w));
  if (bad !== undefined) {
    return `word ${
      JSON.stringify(bad)
    } may contain only letters, digits and . _ / : = @ + , - (no shell syntax: put it in a script)`;
  }
  return null;
};

export const projectPort = z.number().int().superRefine((n, ctx) => {
  if (n < MIN_PORT || n > 65535) {
    ctx.addIssue({
      code: "custom",
      message: `must be a port number ${MIN_PORT}-65535 (lower ports belong to system services)`,
    });
  }
});

export const ProjectSpecSchema = z.strictObject({
  name: grammar(entityName, 127).optional(),
  description: z.string().max(1024).default(""),
  port: projectPort,
  command: grammar(command, 4096).default(DEFAULT_COMMAND),
  /** Parent directory; the project lives in <root>/<name>/. Default: projects_root. */
  root: grammar(absPath, 1024).optional(),
  health_path: grammar(uriPath, 1024).default("/health"),
  status: z.enum(["active", "inactive"]).default("active"),
  // Read-only (set by the agent, shown by GET); accepted and ignored on input so
  // a GET body can be sent back.
  manager: z.unknown().optional(),
  directory: z.unknown().optional(),
  url: z.unknown().optional(),
  service: z.unknown().optional(),
  ...recordMeta,
});

export type ServiceManagerKind = "systemd" | "builtin";

export interface ProjectSpec {
  name: string;
  description: string;
  port: number;
  command: string;
  root: string;
  health_path: string;
  status: "active" | "inactive";
  /** The service manager that runs (or last ran) this project's backend. */
  manager?: ServiceManagerKind;
}

/** Validates a project body; `name` comes from the URL, `root` defaults to projects_root. */
export function parseProject(name: string, body: unknown, defaultRoot: string): ProjectSpec {
  const why = entityName(name);
  if (why) throw invalid("name", why);
  const p = parseWith(ProjectSpecSchema, body);
  if (p.name !== undefined && p.name !== name) {
    throw invalid("name", `body name "${p.name}" does not match the URL name "${name}"`);
  }
  const root = (p.root ?? defaultRoot).replace(/\/+$/, "") || "/";
  const rootWhy = absPath(root);
  if (rootWhy) throw invalid("root", rootWhy);
  return {
    name,
    description: p.description,
    port: p.port,
    command: commandWords(p.command).join(" "),
    root,
    health_path: p.health_path,
    status: p.status,
  };
}

export function projectDir(p: Pick<ProjectSpec, "root" | "name">): string {
  return `${p.root === "/" ? "" : p.root}/${p.name}`;
}

/** Index keys an active project claims: its port. */
export function projectClaims(p: Pick<ProjectSpec, "port" | "status">): string[][] {
  return p.status === "active" ? [["project_port", String(p.port)]] : [];
}
