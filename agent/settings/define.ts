// Settings rows: each feature declares its rows with these builders, and the
// typed view of the settings (`SettingsOf`) is derived from the rows, so there
// is no hand-kept interface to drift and a misspelt setting is a compile error.

export type SettingType = "string" | "int" | "bool" | "enum";

/**
 * A default computed from other settings (read through `s`, which resolves any
 * loaded setting by name, in any order). `s` is untyped because the core rows'
 * type is derived from rows that contain these functions (TypeScript cannot type
 * a row by its own table); the loader refuses a read of a setting it does not know.
 */
export type Derived = (s: Readonly<Record<string, unknown>>) => unknown;

export type DefaultValue = string | number | boolean | Derived;

/** One setting, as the loader, `agent config`, the AGENT_* names and the README table see it. */
export interface SettingDef {
  name: string;
  group: string;
  type: SettingType;
  description: string;
  /** Production default; a function derives it from other settings. */
  prod: DefaultValue;
  /** Dev-mode default when different from production. */
  dev?: DefaultValue;
  values?: readonly string[];
  secret?: boolean;
  min?: number;
  max?: number;
  /** Resolved to an absolute path against the working directory. */
  path?: boolean;
  /** Checks the final value (after defaults); returns why it is wrong. */
  check?: (v: unknown) => string | undefined;
}

declare const VALUE: unique symbol;

/** A row before it has its name (the key it is given in `defineSettings`); V is its value type. */
export interface RowSpec<V> extends Omit<SettingDef, "name"> {
  /** Type-level only: the value this row loads to. */
  readonly [VALUE]?: V;
}

/** A named row: a SettingDef that still knows its value type. */
export type SettingRow<V> = RowSpec<V> & { name: string };

interface Common<V> {
  group: string;
  description: string;
  prod: V | Derived;
  dev?: V | Derived;
}

export function str(
  o: Common<string> & { secret?: boolean; path?: boolean; check?: SettingDef["check"] },
): RowSpec<string> {
  return { type: "string", ...o };
}

export function int(o: Common<number> & { min?: number; max?: number }): RowSpec<number> {
  return { type: "int", ...o };
}

export function bool(o: Common<boolean>): RowSpec<boolean> {
  return { type: "bool", ...o };
}

export function oneOf<const V extends readonly string[]>(
  values: V,
  o: Common<V[number]>,
): RowSpec<V[number]> {
  return { type: "enum", values, ...o };
}

/** Names each row after its key; the key order is the rows' order everywhere they are listed. */
export function defineSettings<R extends Record<string, RowSpec<unknown>>>(
  rows: R,
): { readonly [K in keyof R]: R[K] & { name: K } } {
  return Object.fromEntries(
    Object.entries(rows).map(([name, row]) => [name, { name, ...row }]),
  ) as { readonly [K in keyof R]: R[K] & { name: K } };
}

/** The typed settings a rows object loads to: str -> string, int -> number, enum -> its union. */
export type SettingsOf<R> = {
  [K in keyof R]: R[K] extends RowSpec<infer V> ? V : never;
};

/** The flat list of a rows object, in its order (for the loader, `config show`, the README). */
export function settingDefs(rows: Readonly<Record<string, SettingRow<unknown>>>): SettingDef[] {
  return Object.values(rows);
}

/**
 * One setting by its name when the name is only known at run time (a row's
 * name, a CLI argument); typed when the name is a literal key.
 */
export function settingValue<S extends object, K extends keyof S & string>(s: S, name: K): S[K];
export function settingValue(s: object, name: string): unknown;
export function settingValue(s: object, name: string): unknown {
  return Object.hasOwn(s, name) ? (s as Record<string, unknown>)[name] : undefined;
}

/** `<dir>/<file>` for derived path defaults (dir is another setting's value). */
export const join = (a: unknown, b: string) => `${String(a).replace(/\/+$/, "")}/${b}`;

/**
 * `s` viewed with a feature's rows: for code handed the program's settings
 * (the CLI) that needs one feature's. Throws when those rows were not loaded.
 */
export function withRows<S extends object, R extends Readonly<Record<string, SettingRow<unknown>>>>(
  s: S,
  rows: R,
): S & SettingsOf<R> {
  const missing = Object.keys(rows).find((k) => !Object.hasOwn(s, k));
  if (missing) {
    throw new Error(`setting ${missing} is not loaded: its feature is not in this agent`);
  }
  return s as S & SettingsOf<R>;
}
