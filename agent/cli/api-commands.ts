// Commands that read or change state through the API (over HTTP when an agent
// runs, in-process otherwise).
import { requestOnce } from "./client.ts";
import type { CliIO, Command, Parsed } from "./command.ts";
import { UsageError } from "./command.ts";
import { readJsonArg } from "./json-arg.ts";

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

/**
 * A 2xx answer that reports a failure (`ok: false`, `status: "failed"`, as
 * validate and apply do) still makes the command fail: scripts read exit codes.
 */
export function reportsFailure(body: unknown): boolean {
  const b = body as { ok?: unknown; status?: unknown } | null;
  return !!b && typeof b === "object" && (b.ok === false || b.status === "failed");
}

export async function callApi(
  args: Parsed,
  io: CliIO,
  method: string,
  path: string,
  body?: unknown,
): Promise<number> {
  const r = await requestOnce(io, args.flags, method, path, body);
  if (r.status >= 400) return printError(io, r.status, r.body);
  printBody(io, r.body);
  return reportsFailure(r.body) ? 1 : 0;
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
  const r = await requestOnce(io, args.flags, method, path, body);
  if (r.status >= 400) return printError(io, r.status, r.body);
  if (args.flags.json) io.out(JSON.stringify(r.body, null, 2));
  else show(r.body);
  return reportsFailure(r.body) ? 1 : 0;
}

const simple = (name: string, summary: string, method: string, path: string): Command => ({
  name,
  summary,
  usage: name,
  run: (args, io) => callApi(args, io, method, path),
});

/** `agent apply` without a file (the declarative feature's `apply FILE` falls back to it). */
export const applyPendingCommand: Command = simple(
  "apply",
  "apply pending changes now (needed in apply_mode manual)",
  "POST",
  "/api/config/apply",
);

export const apiCommands: Command[] = [
  simple(
    "status",
    "generation, pending changes, nginx state, last apply",
    "GET",
    "/api/config/status",
  ),
  simple(
    "validate",
    "nginx -t of the desired state, without applying",
    "POST",
    "/api/config/validate",
  ),
  simple("reload", "reload nginx onto the current generation", "POST", "/api/config/reload"),
  simple("generations", "list the generations kept on disk", "GET", "/api/config/generations"),
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
