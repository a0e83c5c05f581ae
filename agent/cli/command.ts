// The shape of a CLI command and a small argument parser: positionals, and
// flags as --name value, --name=value or boolean --name.
import type { Hono } from "hono";
import type { LoadOptions, SettingDef, Settings } from "../settings.ts";
import type { BuildOptions, Runtime } from "../runtime.ts";
import type { KindRegistry } from "../kind.ts";

export interface FlagSpec {
  name: string;
  /** true: takes a value; false: boolean. */
  value: boolean;
  help: string;
  /** May be given several times: the values are joined with newlines. */
  repeat?: boolean;
}

export interface Parsed {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Longer help printed by `agent <name> --help`. */
  help?: string;
  flags?: FlagSpec[];
  run(args: Parsed, io: CliIO): Promise<number>;
}

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Set by runCli: how commands load settings and build an agent in-process. */
  cli?: CliContext;
}

/** An agent as the CLI uses it (the bootstrap's Agent is one). */
export interface CliAgent {
  rt: Runtime;
  app: Hono;
  startJobs(): Promise<void>;
  close(): Promise<void>;
}

/** What the composition root hands the CLI (no CLI module imports the feature list). */
export interface CliContext {
  /** The settings rows of this program's agent (core and features). */
  rows: readonly SettingDef[];
  /** The kinds of this program's agent. */
  kinds: KindRegistry;
  loadSettings(opts: LoadOptions): Promise<Settings>;
  /** Builds an agent of this program's features (the in-process mode, `serve`). */
  build(settings: Settings, opts?: BuildOptions): Promise<CliAgent>;
  commands: readonly Command[];
}

/** The context runCli set; commands call this instead of importing the bootstrap. */
export function cliOf(io: CliIO): CliContext {
  if (!io.cli) throw new Error("this command runs only through runCli");
  return io.cli;
}

export const GLOBAL_FLAGS: FlagSpec[] = [
  {
    name: "config",
    value: true,
    help: "settings file (default /etc/agent/config.toml; ./dev-data/config.toml with --dev)",
  },
  { name: "dev", value: false, help: "use the dev defaults (state in ./dev-data)" },
  { name: "json", value: false, help: "print JSON" },
  { name: "help", value: false, help: "show help for the command" },
];

export class UsageError extends Error {}

export function parseArgs(argv: string[], specs: FlagSpec[]): Parsed {
  const all = new Map([...GLOBAL_FLAGS, ...specs].map((s) => [s.name, s]));
  const out: Parsed = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "-h") {
      out.flags.help = true;
      continue;
    }
    if (!a.startsWith("--")) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = all.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    if (!spec.value) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags[name] = true;
    } else {
      if (eq < 0 && i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      const was = out.flags[name];
      out.flags[name] = spec.repeat && typeof was === "string" ? `${was}\n${v}` : v;
    }
  }
  return out;
}

export function commandHelp(c: Command): string {
  const flags = [...(c.flags ?? []), ...GLOBAL_FLAGS];
  const w = Math.max(...flags.map((f) => f.name.length + (f.value ? 8 : 0)));
  return [
    `usage: agent ${c.usage}`,
    "",
    c.help ?? c.summary,
    "",
    "flags:",
    ...flags.map((f) => `  --${(f.name + (f.value ? " VALUE" : "")).padEnd(w + 2)} ${f.help}`),
  ].join("\n");
}
