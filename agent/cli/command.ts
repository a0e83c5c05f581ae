// The shape of a CLI command and a small argument parser: positionals, and
// flags as --name value, --name=value or boolean --name.

export interface FlagSpec {
  name: string;
  /** true: takes a value; false: boolean. */
  value: boolean;
  help: string;
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
    } else if (eq >= 0) out.flags[name] = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      out.flags[name] = argv[++i];
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
