// The typed view comes from the rows: a misspelt setting or a value outside an
// enum is a compile error. deno test type-checks this file, and an
// expect-error directive that no longer finds its error fails the check.
import assert from "node:assert/strict";
import {
  bool,
  defineSettings,
  int,
  oneOf,
  settingDefs,
  type SettingsOf,
  settingValue,
  str,
} from "./define.ts";
import type { CoreSettings } from "./core.ts";
import type { ProjectsSettings } from "../features/projects/settings.ts";

/** A core-and-feature settings type as a feature's code sees it (the whole program's is deeper). */
type Settings = CoreSettings & ProjectsSettings;

type Eq<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
const assertType = <T extends true>(_ok?: T) => {};

const ROWS = defineSettings({
  name: str({ group: "G", prod: "x", description: "a string" }),
  dir: str({ group: "G", path: true, prod: "/d", dev: (s) => `${s.name}/d`, description: "d" }),
  count: int({ group: "G", min: 1, max: 9, prod: 3, description: "an int" }),
  on: bool({ group: "H", prod: false, dev: true, description: "a bool" }),
  mode: oneOf(["a", "b"], { group: "H", prod: "a", description: "an enum" }),
});

Deno.test("SettingsOf maps str, int, bool and enum rows to their value types", () => {
  assertType<
    Eq<SettingsOf<typeof ROWS>, {
      readonly name: string;
      readonly dir: string;
      readonly count: number;
      readonly on: boolean;
      readonly mode: "a" | "b";
    }>
  >();
  const s = { name: "n", dir: "/d", count: 1, on: true, mode: "b" } as SettingsOf<typeof ROWS>;
  // @ts-expect-error: a misspelt setting is not part of the derived type
  assert.equal(s.cuont, undefined);
  // @ts-expect-error: an enum row takes only its values
  const bad: SettingsOf<typeof ROWS>["mode"] = "c";
  assert.equal(bad, "c");
});

Deno.test("the program's settings have no index signature: a misspelt read does not compile", () => {
  assertType<Eq<Settings["http_port"], number>>();
  assertType<Eq<Settings["apply_mode"], "auto" | "manual">>();
  assertType<Eq<Settings["service_manager"], "auto" | "systemd" | "builtin">>();
  assertType<Eq<Settings["projects_default_server"], boolean>>();
  assertType<Eq<Settings["dev"], boolean>>();
  assertType<Eq<string extends keyof Settings ? true : false, false>>();
  const s = {} as Settings;
  // @ts-expect-error: http_prot is not a setting
  assert.equal(s.http_prot, undefined);
  // @ts-expect-error: a row's default must have the row's type
  int({ group: "G", prod: "80", description: "x" });
  // @ts-expect-error: an enum's default must be one of its values
  oneOf(["a", "b"], { group: "G", prod: "c", description: "x" });
});

Deno.test("defineSettings names each row after its key and keeps every field, in order", () => {
  const defs = settingDefs(ROWS);
  assert.deepEqual(defs.map((d) => d.name), ["name", "dir", "count", "on", "mode"]);
  assert.deepEqual(defs.map((d) => d.type), ["string", "string", "int", "bool", "enum"]);
  assert.equal(ROWS.dir.path, true);
  assert.equal(typeof ROWS.dir.dev, "function");
  assert.deepEqual([ROWS.count.min, ROWS.count.max, ROWS.count.prod], [1, 9, 3]);
  assert.deepEqual([ROWS.on.prod, ROWS.on.dev], [false, true]);
  assert.deepEqual(ROWS.mode.values, ["a", "b"]);
  assert.equal("dev" in ROWS.name, false, "absent options stay absent (the loader tests dev)");
});

Deno.test("settingValue reads a setting by a run-time name, own keys only", () => {
  const s = { listen: "127.0.0.1:1", http_port: 80 };
  const port: number = settingValue(s, "http_port");
  assert.equal(port, 80);
  const name: string = "listen";
  assert.equal(settingValue(s, name), "127.0.0.1:1");
  assert.equal(settingValue(s, "nope"), undefined);
  assert.equal(settingValue(s, "toString"), undefined);
});
