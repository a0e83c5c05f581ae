// Loads settings for the rows it is given: defaults (production or dev), then
// the TOML file, then AGENT_* env vars, then overrides. The rows are an argument
// so the composition root decides which features' settings exist; a key in the
// file that no row names is refused, naming it.
import { parse as parseToml } from "smol-toml";
import { AgentError } from "../errors.ts";
import { type SettingDef, settingValue } from "./define.ts";

export const DEFAULT_CONFIG_FILE = "/etc/agent/config.toml";

export interface LoadOptions {
  dev?: boolean;
  configFile?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Highest precedence (command-line flags, tests). */
  overrides?: Record<string, unknown>;
}

/** What the loader knows of every load; the rows' typed view is the caller's (SettingsOf). */
export interface LoadedSettings {
  dev: boolean;
  config_file: string;
  [name: string]: unknown;
}

export function envName(setting: string): string {
  return `AGENT_${setting.toUpperCase()}`;
}

/** Checks and converts a raw value (file, env, CLI) for a setting; VALIDATION_FAILED names it. */
export function coerce(def: SettingDef, raw: unknown, source: string): unknown {
  const bad = (why: string) =>
    new AgentError("VALIDATION_FAILED", `setting ${def.name} (${source}): ${why}`, {
      field: def.name,
      source,
    });
  switch (def.type) {
    case "string":
      if (typeof raw !== "string") throw bad("expected a string");
      return raw;
    case "int": {
      const n = typeof raw === "number"
        ? raw
        : typeof raw === "string" && /^-?\d+$/.test(raw.trim())
        ? Number(raw.trim())
        : NaN;
      if (!Number.isInteger(n)) throw bad(`expected an integer, got ${JSON.stringify(raw)}`);
      if (def.min !== undefined && n < def.min) throw bad(`must be at least ${def.min}`);
      if (def.max !== undefined && n > def.max) throw bad(`must be at most ${def.max}`);
      return n;
    }
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string" && /^(1|true|yes|on)$/i.test(raw)) return true;
      if (typeof raw === "string" && /^(0|false|no|off)$/i.test(raw)) return false;
      throw bad(`expected true or false, got ${JSON.stringify(raw)}`);
    case "enum":
      if (typeof raw !== "string" || !def.values!.includes(raw)) {
        throw bad(`expected one of ${def.values!.join(", ")}, got ${JSON.stringify(raw)}`);
      }
      return raw;
  }
}

export async function readConfigFile(path: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new AgentError("VALIDATION_FAILED", `cannot read config file ${path}: ${e}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `config file ${path} is not valid TOML: ${(e as Error).message}`,
      { file: path },
    );
  }
}

export async function loadSettings(
  opts: LoadOptions,
  rows: readonly SettingDef[],
): Promise<LoadedSettings> {
  const env = opts.env ?? Deno.env.toObject();
  const cwd = opts.cwd ?? Deno.cwd();
  const dev = opts.dev ?? /^(1|true|yes)$/i.test(env.AGENT_DEV ?? "");
  const configFile = opts.configFile ?? env.AGENT_CONFIG ??
    (dev ? `${cwd}/dev-data/config.toml` : DEFAULT_CONFIG_FILE);
  const file = (await readConfigFile(configFile)) ?? {};
  const known = new Map(rows.map((d) => [d.name, d]));
  for (const key of Object.keys(file)) {
    if (!known.has(key)) {
      throw new AgentError(
        "VALIDATION_FAILED",
        `config file ${configFile}: unknown setting "${key}"`,
        { field: key, file: configFile },
      );
    }
  }
  const out: Record<string, unknown> = { dev, config_file: configFile };
  // Explicit values first, so derived defaults can see them whatever the order.
  const explicit: Record<string, unknown> = {};
  for (const def of rows) {
    const fromOverride = opts.overrides?.[def.name];
    const fromEnv = env[envName(def.name)];
    if (fromOverride !== undefined) explicit[def.name] = coerce(def, fromOverride, "override");
    else if (fromEnv !== undefined) explicit[def.name] = coerce(def, fromEnv, envName(def.name));
    else if (file[def.name] !== undefined) {
      explicit[def.name] = coerce(def, file[def.name], configFile);
    }
  }
  const resolve = (name: string, seen: Set<string>, reader?: string): unknown => {
    if (name in out) return out[name];
    const def = known.get(name);
    // Derived defaults are untyped (see Derived): a misspelt read fails every load, here.
    if (!def) throw new Error(`settings: the default of ${reader} reads unknown setting ${name}`);
    if (seen.has(name)) throw new Error(`settings: cycle at ${name}`);
    seen.add(name);
    let v: unknown;
    if (name in explicit) v = explicit[name];
    else {
      const d = dev && def.dev !== undefined ? def.dev : def.prod;
      const proxy = new Proxy({}, { get: (_t, k) => resolve(String(k), seen, name) });
      v = typeof d === "function" ? d(proxy) : d;
    }
    if (def.path && typeof v === "string" && v !== "" && !v.startsWith("/")) {
      v = `${cwd.replace(/\/+$/, "")}/${v.replace(/^\.\//, "")}`;
    }
    out[name] = v;
    return v;
  };
  for (const def of rows) resolve(def.name, new Set());
  for (const def of rows) {
    const why = def.check?.(out[def.name]);
    if (why !== undefined) {
      throw new AgentError("VALIDATION_FAILED", `setting ${def.name}: ${why}`, {
        field: def.name,
      });
    }
  }
  return out as LoadedSettings;
}

/** Settings as shown to people: secrets masked. */
export function maskedSettings(s: object, rows: readonly SettingDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of rows) {
    const v = settingValue(s, def.name);
    out[def.name] = def.secret && typeof v === "string" && v ? mask(v) : v;
  }
  return out;
}

export function mask(v: string): string {
  return v.length <= 4 ? "****" : `${v.slice(0, 4)}****`;
}
