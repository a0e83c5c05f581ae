// `agent export | lint | plan | apply`: the declarative file on the operator's
// side. The file is read, parsed and its variables substituted here; the agent
// judges the document (POST /api/plan, /api/apply) and answers with field
// paths, which become `file:line: path: message`. Exit codes fit CI: 0 clean or
// applied, 2 refused (lint errors, a refused entity), 1 could not run.
import type { CliIO, Command, Parsed } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { requestOnce } from "../../cli/client.ts";
import { applyPendingCommand, printError } from "../../cli/api-commands.ts";
import {
  type Format,
  formatOf,
  lineOf,
  parseText,
  stringifyDoc,
  SyntaxProblem,
} from "./document.ts";
import { parseEnvFile, substituteVars } from "./vars.ts";
import type { ApplyResult, LintError, PlanResult } from "./model.ts";

interface Source {
  file: string;
  text: string;
  format: Format;
  doc: Record<string, unknown>;
  varErrors: LintError[];
}

const FILE_FLAGS = [
  { name: "format", value: true, help: "toml, yaml or json (default: from the file name; toml)" },
  { name: "var", value: true, repeat: true, help: "a variable: --var name=value (repeatable)" },
  { name: "env-file", value: true, help: "variables from a KEY=value file" },
];
const SCOPE_FLAGS = [
  {
    name: "prune",
    value: false,
    help: "delete entities of the file's kinds that the file leaves out",
  },
  {
    name: "only",
    value: true,
    repeat: true,
    help: "only this entity: --only site/shop (repeatable)",
  },
  {
    name: "tenant",
    value: true,
    help:
      "within this tenant only (an admin acting for it; a tenant token is always within its own)",
  },
];

async function readSource(args: Parsed, io: CliIO): Promise<Source | number> {
  const file = args.positionals[0];
  if (!file) throw new UsageError("a FILE is needed (- for stdin)");
  const text = file === "-"
    ? await new Response(Deno.stdin.readable).text()
    : await Deno.readTextFile(file);
  const format = formatOf(file, args.flags.format as string | undefined);
  let raw: Record<string, unknown>;
  try {
    raw = parseText(text, format);
  } catch (e) {
    if (!(e instanceof SyntaxProblem)) throw e;
    io.err(`${file}:${e.line}: (syntax): ${e.message}`);
    return 2;
  }
  const cli: Record<string, string> = {};
  for (const kv of String(args.flags.var ?? "").split("\n").filter(Boolean)) {
    const i = kv.indexOf("=");
    if (i < 1) throw new UsageError(`--var wants name=value, got ${kv}`);
    cli[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const envFile = args.flags["env-file"]
    ? parseEnvFile(await Deno.readTextFile(String(args.flags["env-file"])))
    : {};
  const v = substituteVars(raw, { cli, envFile, env: io.env });
  return { file, text, format, doc: v.doc, varErrors: v.errors };
}

function query(args: Parsed): string {
  const q = new URLSearchParams();
  if (args.flags.prune) q.set("prune", "true");
  const only = String(args.flags.only ?? "").split("\n").filter(Boolean);
  if (only.length) q.set("only", only.join(","));
  if (args.flags.tenant) q.set("tenant", String(args.flags.tenant));
  if (args.flags.canary) q.set("canary", String(args.flags.canary));
  const s = q.toString();
  return s ? `?${s}` : "";
}

function located(src: Source, errs: LintError[]): LintError[] {
  return errs.map((e) => ({ ...e, line: lineOf(src.text, src.format, e.path) }));
}

function printErrors(io: CliIO, src: Source, errs: LintError[]) {
  for (const e of errs) io.err(`${src.file}:${e.line}: ${e.path}: ${e.code}: ${e.message}`);
}

/** Drops the entities a variable error is in (they are refused alone). */
function withoutBroken(doc: Record<string, unknown>, errs: LintError[]): Record<string, unknown> {
  const out = structuredClone(doc) as Record<string, Record<string, unknown>>;
  for (const e of errs) {
    const [plural, name] = e.path.split(/[.[]/);
    if (name && out[plural]) delete out[plural][name];
  }
  return out;
}

async function plan(args: Parsed, io: CliIO, src: Source): Promise<PlanResult | number> {
  const r = await requestOnce(io, args.flags, "POST", `/api/plan${query(args)}`, src.doc);
  if (r.status >= 400) return printError(io, r.status, r.body);
  return r.body as PlanResult;
}

const lintCommand: Command = {
  name: "lint",
  summary: "check a declarative file: schema, references, claims, nginx -t in a sandbox",
  usage: "lint FILE [--format F] [--var k=v] [--env-file F]",
  help:
    "Checks FILE without changing anything. Every problem is printed as file:line: field.path: CODE: message. Exit 0 clean, 2 problems found, 1 could not check.",
  flags: FILE_FLAGS,
  async run(args, io) {
    const src = await readSource(args, io);
    if (typeof src === "number") return src;
    const p = await plan(args, io, src);
    if (typeof p === "number") return p;
    const errors = located(src, [...src.varErrors, ...p.errors]);
    if (args.flags.json) {
      io.out(JSON.stringify({ ok: errors.length === 0, errors, nginx: p.nginx }, null, 2));
    } else {
      printErrors(io, src, errors);
      if (!errors.length) {
        io.out(
          `${src.file}: ok (${p.changes.length} change(s), ${p.unchanged} unchanged${
            p.nginx ? ", nginx -t passed" : ""
          })`,
        );
      }
    }
    return errors.length ? 2 : 0;
  },
};

const show = (v: unknown) => JSON.stringify(v);

const planCommand: Command = {
  name: "plan",
  summary: "show what applying a declarative file would change (entities and nginx files)",
  usage: "plan FILE [--prune] [--only KIND/NAME] [--var k=v] [--env-file F]",
  help:
    "Prints each entity created (+), changed (~, with its fields) or deleted (-), then the rendered nginx diff per file. Nothing is written. Exit 0, or 2 when the file has problems (printed as in lint).",
  flags: [...FILE_FLAGS, ...SCOPE_FLAGS],
  async run(args, io) {
    const src = await readSource(args, io);
    if (typeof src === "number") return src;
    const p = await plan(args, io, src);
    if (typeof p === "number") return p;
    const errors = located(src, [...src.varErrors, ...p.errors]);
    if (args.flags.json) {
      io.out(JSON.stringify({ ...p, errors }, null, 2));
      return errors.length ? 2 : 0;
    }
    printErrors(io, src, errors);
    for (const c of p.changes) {
      const mark = c.action === "create" ? "+" : c.action === "delete" ? "-" : "~";
      io.out(`${mark} ${c.id} (${c.action})`);
      if (c.action === "update") {
        for (const f of c.fields) io.out(`    ${f.path}: ${show(f.before)} -> ${show(f.after)}`);
      }
    }
    io.out(`${p.changes.length} change(s), ${p.unchanged} unchanged`);
    for (const f of p.files) io.out(f.diff.trimEnd());
    return errors.length ? 2 : 0;
  },
};

const CANARY_FLAGS = [
  {
    name: "canary",
    value: true,
    help:
      "a fleet: NODE or a label key=value (node_labels): apply on that node first (give its own --url); the rest follow after canary_hold s healthy",
  },
  { name: "wait", value: false, help: "with --canary: wait until it is promoted or aborted" },
];

interface CanaryAnswer {
  id: string;
  node: string;
  state: string;
  base_generation: number;
  generation: number | null;
  hold_s: number;
  reason: string | null;
}

function canaryLine(c: CanaryAnswer): string {
  if (c.state === "running") {
    return `canary ${c.id}: generation ${c.generation} live on ${c.node}; the fleet holds at ${c.base_generation} until it stays healthy ${c.hold_s} s (agent fleet status)`;
  }
  return `canary ${c.id}: ${c.state}${
    c.generation !== null ? ` at generation ${c.generation}` : ""
  }: ${c.reason ?? ""}`;
}

/** Polls GET /api/fleet until the canary ended; 0 promoted, 1 aborted or gone. */
async function waitCanary(args: Parsed, io: CliIO, c: CanaryAnswer): Promise<number> {
  const deadline = Date.now() + (c.hold_s + 300) * 1000;
  while (Date.now() < deadline) {
    const r = await requestOnce(io, args.flags, "GET", "/api/fleet");
    if (r.status >= 400) return printError(io, r.status, r.body);
    const now = (r.body as { canary: CanaryAnswer | null }).canary;
    if (!now || now.id !== c.id) {
      io.err(`canary ${c.id}: no longer in the fleet's state`);
      return 1;
    }
    if (now.state !== "running") {
      (now.state === "promoted" ? io.out : io.err)(canaryLine(now));
      return now.state === "promoted" ? 0 : 1;
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  io.err(`canary ${c.id}: still running (agent fleet status)`);
  return 1;
}

const applyCommand: Command = {
  name: "apply",
  summary: "apply a declarative file (or, without FILE, the pending changes)",
  usage:
    "apply [FILE] [--prune] [--only KIND/NAME] [--var k=v] [--env-file F] [--canary NODE [--wait]]",
  help:
    "Applies FILE: one store write, one generation, one reload; an entity with a problem is refused alone and the rest applied. Without --prune entities absent from the file are kept; with it those of the file's kinds are deleted. Exit 0 applied, 2 something refused (named as file:line: path), 1 error. Without FILE: applies pending changes now (apply_mode manual). --canary NODE (store = etcd, against NODE's own API): NODE applies it now, the other nodes once NODE's round is ok and its health checks pass for canary_hold seconds; refused entities, a failed round or a failing health check abort it and NODE rolls back (--wait: exit 0 promoted, 1 aborted).",
  flags: [...FILE_FLAGS, ...SCOPE_FLAGS, ...CANARY_FLAGS],
  async run(args, io) {
    if (!args.positionals.length) {
      if (args.flags.canary) throw new UsageError("--canary needs a FILE");
      return await applyPendingCommand.run(args, io);
    }
    const src = await readSource(args, io);
    if (typeof src === "number") return src;
    const unknownVars = src.varErrors.filter((e) => !e.path.startsWith("vars."));
    const doc = withoutBroken(src.doc, unknownVars);
    const r = await requestOnce(io, args.flags, "POST", `/api/apply${query(args)}`, doc);
    if (r.status >= 400) return printError(io, r.status, r.body);
    const res = r.body as ApplyResult & { canary?: CanaryAnswer };
    // unused variables are lint's business; an unknown one refused its entity
    const refused = located(src, [...unknownVars, ...res.refused]);
    const unused = located(src, src.varErrors.filter((e) => e.path.startsWith("vars.")));
    if (args.flags.json) io.out(JSON.stringify({ ...res, refused }, null, 2));
    else {
      printErrors(io, src, refused);
      for (const x of res.effects ?? []) {
        (x.ok ? io.out : io.err)(`${x.entity}: ${x.ok ? "" : `${x.code}: `}${x.message}`);
      }
      for (const e of unused) io.err(`${src.file}:${e.line}: ${e.path}: warning: ${e.message}`);
      io.out(
        `${res.status}: ${res.applied.length} applied, ${res.deleted.length} deleted, ${res.unchanged} unchanged, ${refused.length} refused` +
          (res.generation !== null
            ? ` (generation ${res.generation}${res.reloaded ? ", reloaded" : ""})`
            : ""),
      );
      if (res.canary) (res.canary.state === "aborted" ? io.err : io.out)(canaryLine(res.canary));
    }
    if (res.canary?.state === "aborted") return res.refused.length ? 2 : 1;
    if (res.canary && args.flags.wait) return await waitCanary(args, io, res.canary);
    if (res.status === "failed") return 1;
    return refused.length || res.effects?.some((x) => !x.ok) ? 2 : 0;
  },
};

const exportCommand: Command = {
  name: "export",
  summary: "write the desired state as one declarative file (toml, yaml or json)",
  usage: "export [--kind KIND] [--tenant T] [--format toml|yaml|json] [--out FILE]",
  help:
    'Prints the whole desired state (or one kind) as one table per kind keyed by name, with the fields of the API; a record of a tenant says tenant = "T". `agent apply` of it into an empty agent and export again gives the same bytes. A tenant token (or an admin with --tenant) exports only that tenant\'s records.',
  flags: [
    { name: "kind", value: true, help: "only this kind (sites, pools, ...)" },
    { name: "tenant", value: true, help: "only this tenant's records" },
    { name: "format", value: true, help: "toml (default), yaml or json" },
    { name: "out", value: true, help: "write to FILE instead of stdout" },
  ],
  async run(args, io) {
    const format = formatOf(String(args.flags.out ?? ""), args.flags.format as string | undefined);
    const q = new URLSearchParams();
    for (const f of ["kind", "tenant"]) if (args.flags[f]) q.set(f, String(args.flags[f]));
    const r = await requestOnce(io, args.flags, "GET", `/api/export${q.size ? `?${q}` : ""}`);
    if (r.status >= 400) return printError(io, r.status, r.body);
    const text = stringifyDoc((r.body as { document: Record<string, unknown> }).document, format);
    if (args.flags.out) await Deno.writeTextFile(String(args.flags.out), text);
    else io.out(text.replace(/\n$/, ""));
    return 0;
  },
};

export const gitopsCommands: Command[] = [exportCommand, lintCommand, planCommand, applyCommand];
