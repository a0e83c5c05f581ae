// A problem of a declarative file as lint and plan report it: the entity's
// path in the file (`sites.shop.routes[2].pool`), the code and the why.
import { asAgentError } from "../../errors.ts";
import type { Runtime } from "../../runtime.ts";
import type { LintError } from "./model.ts";

export const split = (id: string) => ({
  kind: id.slice(0, id.indexOf("/")),
  name: id.slice(id.indexOf("/") + 1),
});

export function errorOf(e: unknown, at: string, entity?: string): LintError {
  const err = asAgentError(e);
  if (err.code === "INTERNAL") throw e;
  const field = typeof err.detail.field === "string" && err.detail.field !== "(body)"
    ? err.detail.field
    : "";
  // the message already starts with the field: keep only the why
  const message = field && err.message.startsWith(`${field}: `)
    ? err.message.slice(field.length + 2)
    : err.message;
  return {
    path: field ? `${at}.${field}` : at,
    code: err.code,
    message,
    ...(entity ? { entity } : {}),
  };
}

export function byKind(rt: Runtime, kind: string): string {
  return rt.kinds.get(kind)?.plural ?? kind;
}
