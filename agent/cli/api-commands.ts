// Commands that read or change state through the API (over HTTP when an agent
// runs, in-process otherwise).
import { requestOnce } from "./client.ts";
import type { CliIO, Command, Parsed } from "./command.ts";
import { UsageError } from "./command.ts";

function printBody(io: CliIO, body: unknown) {
  io.out(typeof body === "string" ? body : JSON.stringify(body, null, 2));
}

/** Prints an error response the way operators read it; returns the exit code. */
export function printError(io: CliIO, status: number, body: unknown): number {
  const e =
    (body as { error?: { code: string; message: string; detail?: Record<string, unknown> } })
      ?.error;
  if (!e) {
    io.err(`error: HTTP ${status}: ${typeof body === "string" ? body : JSON.stringify(body)}`);
    return 1;
  }
  io.err(`error: ${e.code}: ${e.message}`);
  // The tool's own output (nginx -t, certbot) under the message, unless the message holds it.
  for (const key of ["nginx_output", "certbot_output"]) {
    const out = e.detail?.[key];
    if (typeof out === "string" && out && !e.message.includes(out)) {
      io.err(out.split("\n").map((l) => `  | ${l}`).join("\n"));
    }
  }
  return 1;
}

export async function callApi(
  args: Parsed,
  io: CliIO,
  method: string,
  path: string,
  body?: unknown,
): Promise<number> {
  const r = await requestOnce(args.flags, method, path, body);
  if (r.status >= 400) return printError(io, r.status, r.body);
  printBody(io, r.body);
  return 0;
}

/** Calls the API (running agent or in-process) and hands a successful body to `show`. */
export async function apiCall(
  args: Parsed,
  io: CliIO,
  method: string,
  path: string,
  body: unknown,
  // deno-lint-ignore no-explicit-any
  show: (body: any) => void,
): Promise<number> {
  const r = await requestOnce(args.flags, method, path, body);
  if (r.status >= 400) return printError(io, r.status, r.body);
  if (args.flags.json) io.out(JSON.stringify(r.body, null, 2));
  else show(r.body);
  return 0;
}

async function readJsonArg(arg: string | undefined): Promise<unknown> {
  if (arg === undefined) {
    throw new UsageError("a JSON body is needed: a file path, - for stdin, or inline JSON");
  }
  let text = arg;
  if (arg === "-") text = await new Response(Deno.stdin.readable).text();
  else if (!arg.trim().startsWith("{")) text = await Deno.readTextFile(arg);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the body is not valid JSON: ${(e as Error).message}`);
  }
}

const simple = (name: string, summary: string, method: string, path: string): Command => ({
  name,
  summary,
  usage: name,
  run: (args, io) => callApi(args, io, method, path),
});

function resource(kind: "pool" | "site"): Command {
  const plural = `${kind}s`;
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

export const apiCommands: Command[] = [
  simple(
    "status",
    "generation, pending changes, nginx state, last apply",
    "GET",
    "/api/config/status",
  ),
  simple(
    "apply",
    "apply pending changes now (needed in apply_mode manual)",
    "POST",
    "/api/config/apply",
  ),
  simple(
    "validate",
    "nginx -t of the desired state, without applying",
    "POST",
    "/api/config/validate",
  ),
  simple("reload", "reload nginx onto the current generation", "POST", "/api/config/reload"),
  simple("generations", "list the generations kept on disk", "GET", "/api/config/generations"),
  resource("pool"),
  resource("site"),
  {
    name: "api",
    summary: "call any API endpoint: agent api METHOD PATH [BODY]",
    usage: "api METHOD PATH [FILE|-|JSON]",
    async run(args, io) {
      const [method, path, body] = args.positionals;
      if (!method || !path?.startsWith("/")) {
        throw new UsageError("usage: agent api METHOD /api/PATH [BODY]");
      }
      return await callApi(
        args,
        io,
        method.toUpperCase(),
        path,
        body === undefined ? undefined : await readJsonArg(body),
      );
    },
  },
];
