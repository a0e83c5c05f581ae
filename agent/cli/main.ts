// CLI entry: find the command, parse its flags, run it, map errors to exit
// codes. The commands come from the host built of the features main.ts lists.
import { asAgentError } from "../errors.ts";
import { VERSION } from "../version.ts";
import type { Feature, Host } from "../host.ts";
import { buildAgent, hostFor } from "../bootstrap.ts";
import { loadSettings } from "../settings.ts";
import { resourceCommand } from "./resource-command.ts";
import {
  type CliContext,
  type CliIO,
  type Command,
  commandHelp,
  parseArgs,
  UsageError,
} from "./command.ts";

const versionCommand: Command = {
  name: "version",
  summary: "print the agent version",
  usage: "version",
  run(_args, io) {
    io.out(`agent ${VERSION} (switchyard, deno ${Deno.version.deno})`);
    return Promise.resolve(0);
  },
};

/** Every command of an agent built from `host`: the registered ones, then one per kind. */
export function allCommands(host: Host): Command[] {
  const cmds: Command[] = [versionCommand, helpCommand, ...host.commands];
  for (const k of host.kinds.list()) {
    if (!k.internal && !cmds.some((c) => c.name === k.plural)) cmds.push(resourceCommand(k));
  }
  // serve first, as operators look for it
  return cmds.sort((a, b) => (a.name === "serve" ? -1 : b.name === "serve" ? 1 : 0));
}

const helpCommand: Command = {
  name: "help",
  summary: "list commands, or show help for one: agent help COMMAND",
  usage: "help [COMMAND]",
  run(args, io) {
    const cmds = io.cli?.commands ?? [];
    const name = args.positionals[0];
    if (name) {
      const c = cmds.find((x) => x.name === name);
      if (!c) throw new UsageError(`unknown command "${name}"`);
      io.out(commandHelp(c));
      return Promise.resolve(0);
    }
    io.out(topHelp(cmds));
    return Promise.resolve(0);
  },
};

export function topHelp(cmds: readonly Command[]): string {
  const w = Math.max(...cmds.map((c) => c.name.length));
  return [
    "usage: agent COMMAND [ARGS] [--dev] [--config FILE] [--json]",
    "",
    "Switchyard runs the nginx gateway of this host.",
    "",
    "commands:",
    ...cmds.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "`agent COMMAND --help` shows a command's flags.",
  ].join("\n");
}

/** The context commands use to load settings and build this program's agent. */
export function cliContext(host: Host): CliContext {
  return {
    commands: allCommands(host),
    rows: host.settingRows,
    kinds: host.kinds,
    loadSettings: (opts) => loadSettings(opts, host.settingRows),
    build: (settings, opts) => buildAgent(settings, host, opts),
  };
}

export async function runCli(
  argv: string[],
  io: CliIO,
  app: { features: readonly Feature[] },
): Promise<number> {
  const cli = cliContext(hostFor(app.features));
  io = { ...io, cli };
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    io.out(topHelp(cli.commands));
    return 0;
  }
  if (name === "--version") return await versionCommand.run({ positionals: [], flags: {} }, io);
  const cmd = cli.commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`agent: unknown command "${name}"\n\n${topHelp(cli.commands)}`);
    return 2;
  }
  try {
    const args = parseArgs(rest, cmd.flags ?? []);
    if (args.flags.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`agent ${name}: ${e.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    const err = asAgentError(e);
    io.err(`error: ${err.code}: ${err.message}`);
    return 1;
  }
}
