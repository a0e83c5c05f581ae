// Every feature's rows: each setting is declared once, in exactly one place,
// and the program's host lists them all in the order the README and `config show` use.
import assert from "node:assert/strict";
import { type SettingDef, settingDefs } from "../../agent/settings/define.ts";
import { loadSettings } from "../../agent/settings/load.ts";
import { CORE_SETTINGS } from "../../agent/settings/core.ts";
import { RESILIENCE_SETTINGS } from "../../agent/features/resilience/settings.ts";
import { PROXIES_SETTINGS } from "../../agent/features/proxies/settings.ts";
import { PROJECTS_SETTINGS } from "../../agent/features/projects/settings.ts";
import { CERTS_SETTINGS } from "../../agent/features/certs/settings.ts";
import { STORAGE_SETTINGS } from "../../agent/features/storage/settings.ts";
import { MIGRATION_SETTINGS } from "../../agent/features/migrations/settings.ts";
import { HEALTH_SETTINGS } from "../../agent/features/health/settings.ts";
import { CONSOLE_SETTINGS } from "../../agent/features/console/settings.ts";
import { EXPIRY_SETTINGS } from "../../agent/features/expiry/settings.ts";
import { SETTINGS } from "../../agent/features/index.ts";
import { OPERATOR_SETTINGS } from "../../agent/features/operator/settings.ts";
import { FLEET_SETTINGS } from "../../agent/features/fleet/settings.ts";

const ALL_SETTINGS = SETTINGS;

// In the features' setup order (agent/features/index.ts).
const OWNERS: Record<string, SettingDef[]> = {
  core: settingDefs(CORE_SETTINGS),
  fleet: settingDefs(FLEET_SETTINGS),
  resilience: settingDefs(RESILIENCE_SETTINGS),
  projects: settingDefs(PROJECTS_SETTINGS),
  certs: settingDefs(CERTS_SETTINGS),
  proxies: settingDefs(PROXIES_SETTINGS),
  storage: settingDefs(STORAGE_SETTINGS),
  migrations: settingDefs(MIGRATION_SETTINGS),
  health: settingDefs(HEALTH_SETTINGS),
  operator: settingDefs(OPERATOR_SETTINGS),
  console: settingDefs(CONSOLE_SETTINGS),
  expiry: settingDefs(EXPIRY_SETTINGS),
};

Deno.test("every row of every feature appears once, and only there", () => {
  const owner = new Map<string, string>();
  for (const [who, rows] of Object.entries(OWNERS)) {
    for (const d of rows) {
      assert.ok(!owner.has(d.name), `${d.name}: declared by ${owner.get(d.name)} and ${who}`);
      owner.set(d.name, who);
    }
  }
  assert.equal(owner.size, 119);
  assert.deepEqual(ALL_SETTINGS.map((d) => d.name), [...owner.keys()]);
  const flat = Object.values(OWNERS).flat();
  assert.ok(ALL_SETTINGS.every((d, i) => d.name === flat[i].name), "in setup order");
});

Deno.test("the rows keep their groups, in the features' setup order", () => {
  const groups = [...new Set(ALL_SETTINGS.map((d) => d.group))];
  assert.deepEqual(groups, [
    "Core",
    "Nginx",
    "Apply",
    "Fleet",
    "Resilience",
    "Projects",
    "Certificates",
    "Proxies",
    "Storage",
    "Migrations",
    "Health checks",
    "Metrics",
    "Operator",
    "Console",
    "Expiry",
  ]);
  const names = ALL_SETTINGS.map((d) => d.name);
  assert.deepEqual(names.slice(0, 3), ["listen", "api_key", "data_dir"]);
  assert.equal(names.indexOf("secret"), names.indexOf("generations_max_age_days") + 1);
  assert.deepEqual(names.slice(-1), ["expiry_interval"]);
  // A feature's rows are all of its group (the core's span three).
  const groupOf = {
    fleet: "Fleet",
    resilience: "Resilience",
    proxies: "Proxies",
    projects: "Projects",
    certs: "Certificates",
    storage: "Storage",
    migrations: "Migrations",
    operator: "Operator",
    console: "Console",
    expiry: "Expiry",
  };
  for (const [who, group] of Object.entries(groupOf)) {
    assert.ok(OWNERS[who].every((d) => d.group === group), `${who} rows are ${group}`);
  }
});

Deno.test("every row is well formed: static defaults fit its type and bounds", async () => {
  for (const d of ALL_SETTINGS) {
    assert.ok(d.description.length > 0, `${d.name}: a description`);
    assert.match(d.name, /^[a-z][a-z0-9_]*$/, `${d.name}: an AGENT_* friendly name`);
    for (const v of [d.prod, d.dev]) {
      if (v === undefined || typeof v === "function") continue;
      const want = { string: "string", int: "number", bool: "boolean", enum: "string" }[d.type];
      assert.equal(typeof v, want, `${d.name}: default ${v} is a ${d.type}`);
      if (d.type === "int") {
        assert.ok((d.min ?? -Infinity) <= Number(v) && Number(v) <= (d.max ?? Infinity), d.name);
      }
      if (d.type === "enum") assert.ok(d.values!.includes(String(v)), `${d.name}: ${v}`);
    }
  }
  // Derived defaults resolve in both modes, to values of their row's type.
  for (const dev of [false, true]) {
    const s = await loadSettings({ dev, env: {}, configFile: "/nonexistent.toml" }, ALL_SETTINGS);
    for (const d of ALL_SETTINGS) {
      const want = { string: "string", int: "number", bool: "boolean", enum: "string" }[d.type];
      assert.equal(typeof (s as Record<string, unknown>)[d.name], want, `${d.name} (dev ${dev})`);
    }
  }
});
