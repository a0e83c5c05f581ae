// Turns zod results into the agent's one error shape, naming the field.
import { z } from "zod";
import { AgentError } from "../errors.ts";
import type { Check } from "./grammar.ts";

/** Dotted field path in the style operators read: `routes[1].path`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(body)";
}

export function parseWith<T extends z.ZodType>(
  schema: T,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === "unrecognized_keys") {
      const keys = (i as { keys: string[] }).keys;
      return {
        field: fieldPath([...path, keys[0]]),
        message: `unknown field (${keys.join(", ")})`,
      };
    }
    return { field: fieldPath(path), message: i.message.replace(/^Invalid input: /, "") };
  });
  const first = issues[0];
  return raise(first.field, first.message, issues);
}

function raise(field: string, message: string, issues: unknown[]): never {
  throw new AgentError("VALIDATION_FAILED", `${field}: ${message}`, { field, issues });
}

/** A string schema checked by a grammar from grammar.ts. */
export function grammar(check: Check, max = 4096) {
  return z.string().max(max).superRefine((v, ctx) => {
    const why = check(v);
    if (why) ctx.addIssue({ code: "custom", message: why });
  });
}
