// Variables of a declarative file (Tapis Verts' templated configuration): the
// file declares `[vars]` with defaults and uses `${name}` in string values.
// Values come, strongest first, from --var k=v, an env file, the environment,
// then the file's own default. `$${x}` stays a literal `${x}` (nginx syntax).
import type { LintError } from "./model.ts";

export interface VarSources {
  /** --var k=v */
  cli?: Record<string, string>;
  /** KEY=value lines of an env file. */
  envFile?: Record<string, string>;
  /** The process environment (only declared names are read). */
  env?: Record<string, string | undefined>;
}

const REF = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Parses KEY=value lines (# comments, optional quotes, optional `export `). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

/**
 * The document with every `${var}` replaced, its `vars` table removed, and the
 * errors: a variable used but not declared, declared but never used, or given
 * on the command line without a declaration.
 */
export function substituteVars(
  doc: Record<string, unknown>,
  sources: VarSources = {},
): { doc: Record<string, unknown>; errors: LintError[]; values: Record<string, string> } {
  const errors: LintError[] = [];
  const declared = doc.vars ?? {};
  if (typeof declared !== "object" || declared === null || Array.isArray(declared)) {
    return {
      doc,
      errors: [{ path: "vars", code: "VALIDATION_FAILED", message: "must be a table" }],
      values: {},
    };
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(declared as Record<string, unknown>)) {
    if (!["string", "number", "boolean"].includes(typeof v)) {
      errors.push({ path: `vars.${k}`, code: "VALIDATION_FAILED", message: "must be a string" });
      continue;
    }
    values[k] = sources.cli?.[k] ?? sources.envFile?.[k] ?? sources.env?.[k] ?? String(v);
  }
  for (const k of Object.keys(sources.cli ?? {})) {
    if (!(k in values)) {
      errors.push({
        path: `vars.${k}`,
        code: "VALIDATION_FAILED",
        message: `--var ${k} is not declared in [vars]`,
      });
    }
  }
  const used = new Set<string>();
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === "string") {
      return v.replace(REF, (all, escaped: string, name: string) => {
        if (escaped) return all.slice(1);
        used.add(name);
        if (!(name in values)) {
          errors.push({
            path,
            code: "VALIDATION_FAILED",
            message: `unknown variable \${${name}} (declare it in [vars])`,
          });
          return all;
        }
        return values[name];
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]),
      );
    }
    return v;
  };
  const { vars: _vars, ...rest } = doc;
  const out = walk(rest, "") as Record<string, unknown>;
  for (const k of Object.keys(values)) {
    if (!used.has(k)) {
      errors.push({
        path: `vars.${k}`,
        code: "VALIDATION_FAILED",
        message: "variable is never used",
      });
    }
  }
  return { doc: out, errors, values };
}
