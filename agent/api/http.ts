// Request/response helpers shared by every router: JSON bodies with clear
// errors, If-Match, the acting user for the audit log, and change responses.
import type { Context } from "hono";
import { AgentError } from "../errors.ts";
import type { ChangeResult } from "../changes/apply.ts";
import type { ChangeOptions } from "../changes/context.ts";

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AgentError("VALIDATION_FAILED", `(body): malformed JSON: ${(e as Error).message}`, {
      field: "(body)",
    });
  }
}

export function ifMatch(c: Context): number | undefined {
  const h = c.req.header("if-match");
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(h);
  if (!m) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `If-Match: expected a record version such as "3", got ${h}`,
      { field: "If-Match" },
    );
  }
  return Number(m[1]);
}

export function actor(c: Context): string {
  const who = (c.req.header("x-agent-actor") ?? "").replace(/[^\w.@:+-]/g, "").slice(0, 64);
  const via = c.get("authVia" as never) as string | undefined ?? "api";
  return who ? `${via}:${who}` : via;
}

export function changeOptions(c: Context): ChangeOptions {
  return { actor: actor(c), ifMatch: ifMatch(c) };
}

export function changeResponse(c: Context, r: ChangeResult) {
  const apply = r.apply ?? { status: "unchanged" };
  if (!r.record) return c.json({ deleted: true, apply }, 200);
  c.header("ETag", `"${r.record.version}"`);
  return c.json({ ...r.record, apply }, r.created ? 201 : 200);
}

export function param(c: Context, name: string): string {
  return decodeURIComponent(c.req.param(name) ?? "");
}
