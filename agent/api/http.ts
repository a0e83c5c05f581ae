// Request/response helpers shared by every router: JSON bodies with clear
// errors, If-Match, the acting user for the audit log, and change responses.
import type { Context } from "hono";
import { AgentError } from "../errors.ts";
import type { ChangeResult } from "../changes/apply.ts";
import type { ChangeOptions } from "../changes/context.ts";
import { principalOf } from "./principal.ts";

/**
 * What a tenant's request means in the store's names (the tenant guard sets
 * it): the record's stored name for the URL's, and the body with its names
 * qualified. Every router reads the name and body through param and jsonBody.
 */
export interface ScopedRequest {
  /** The URL parameter (`param`, default "name") the store knows as `to`. */
  name: { from: string; to: string; param?: string };
  body?: unknown;
}

export const SCOPED = "scopedRequest";

const scoped = (c: Context) => c.get(SCOPED as never) as ScopedRequest | undefined;

export async function jsonBody(c: Context): Promise<unknown> {
  const s = scoped(c);
  if (s?.body !== undefined) return structuredClone(s.body);
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
  const p = principalOf(c);
  // a token is named in every audit entry it makes: token:<name>@<tenant>
  if (p.token) return `token:${p.token.name}@${p.tenant ?? "*"}`;
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
  const v = decodeURIComponent(c.req.param(name) ?? "");
  const s = scoped(c);
  return s && (s.name.param ?? "name") === name && s.name.from === v ? s.name.to : v;
}
