// What the projects commands share: one API client per command, and how a
// project record and an apply outcome are printed.
import { connect } from "../../cli/client.ts";
import type { CliIO, Parsed } from "../../cli/command.ts";

type Client = Awaited<ReturnType<typeof connect>>;
// deno-lint-ignore no-explicit-any
type Json = any;

export async function withClient<T>(
  args: Parsed,
  io: CliIO,
  fn: (c: Client) => Promise<T>,
): Promise<T> {
  const client = await connect(io, {
    dev: args.flags.dev === true,
    config: args.flags.config as string | undefined,
  });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** The writable fields of a project record (GET output without the read-only ones). */
export function specFields(rec: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ["description", "port", "command", "root", "health_path", "status"]) {
    if (rec?.[k] !== undefined) out[k] = rec[k];
  }
  return out;
}

export function applyLine(a: Json): string {
  if (!a) return "nothing to apply";
  const parts = [a.status];
  if (a.generation !== undefined && a.generation !== null) parts.push(`generation ${a.generation}`);
  if (a.reloaded) parts.push("nginx reloaded");
  return parts.join(", ");
}
