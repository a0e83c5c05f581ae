// The generic command of a kind: `agent <plural> [list | get | put | delete]`,
// made for every registered kind that has no command of that name.
import type { AnyKind } from "../kind.ts";
import type { Command } from "./command.ts";
import { UsageError } from "./command.ts";
import { callApi } from "./api-commands.ts";
import { readJsonArg } from "./json-arg.ts";

export function resourceCommand(k: AnyKind): Command {
  const { name: kind, plural } = k;
  return {
    name: plural,
    summary: `list, show, create/update or delete ${plural}`,
    usage: `${plural} [list | get NAME | put NAME FILE|-|JSON | delete NAME]`,
    help: `Examples:
  agent ${plural}
  agent ${plural} get web
  agent ${plural} put web ./${kind}.json      (FILE, - for stdin, or inline JSON)
  agent ${plural} delete web`,
    async run(args, io) {
      const [verb = "list", name, body] = args.positionals;
      const path = `/api/${plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
      switch (verb) {
        case "list":
          return await callApi(args, io, "GET", `/api/${plural}`);
        case "get":
          if (!name) throw new UsageError(`usage: agent ${plural} get NAME`);
          return await callApi(args, io, "GET", path);
        case "put":
          if (!name) throw new UsageError(`usage: agent ${plural} put NAME FILE`);
          return await callApi(args, io, "PUT", path, await readJsonArg(body));
        case "delete":
          if (!name) throw new UsageError(`usage: agent ${plural} delete NAME`);
          return await callApi(args, io, "DELETE", path);
        default:
          throw new UsageError(`unknown ${plural} action "${verb}"`);
      }
    },
  };
}
