// CLI entry: find the command, parse its flags, run it, map errors to exit codes.
import { asAgentError } from "../errors.ts";
import { FEATURES } from "../features.ts";
import { VERSION } from "../version.ts";
import { apiCommands } from "./api-commands.ts";
import { type CliIO, type Command, commandHelp, parseArgs, UsageError } from "./command.ts";
import { serveCommand } from "./serve.ts";

const versionCommand: Command = {
  name: "version",
  summary: "print the agent version",
  usage: "version",
  run(_args, io) {
    io.out(`agent ${VERSION} (switchyard, deno ${Deno.version.deno})`);
    return Promise.resolve(0);
  },
};

export function allCommands(): Command[] {
  return [
    serveCommand,
    versionCommand,
    helpCommand,
    ...apiCommands,
    ...FEATURES.flatMap((f) => f.commands ?? []),
  ];
}

const helpCommand: Command = {
  name: "help",
  summary: "list commands, or show help for one: agent help COMMAND",
  usage: "help [COMMAND]",
  run(args, io) {
    const name = args.positionals[0];
    if (name) {
      const c = allCommands().find((x) => x.name === name);
      if (!c) throw new UsageError(`unknown command "${name}"`);
      io.out(commandHelp(c));
      return Promise.resolve(0);
    }
    io.out(topHelp());
    return Promise.resolve(0);
  },
};

export function topHelp(): string {
  const cmds = allCommands();
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

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    io.out(topHelp());
    return 0;
  }
  if (name === "--version") return await versionCommand.run({ positionals: [], flags: {} }, io);
  const cmd = allCommands().find((c) => c.name === name);
  if (!cmd) {
    io.err(`agent: unknown command "${name}"\n\n${topHelp()}`);
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
