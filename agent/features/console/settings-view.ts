// The Settings page's read: every setting row of this agent, its value (secrets
// masked) and where it came from. Read only: editing belongs to the operator
// issue. The loader does not keep sources, so they are derived the way it
// decides: an AGENT_* variable, else the config file, else the default (a value
// that matches none of these came from the command line).
import { envName, mask, readConfigFile } from "../../settings/load.ts";
import { type SettingDef, settingValue } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";

export interface SettingView {
  name: string;
  group: string;
  type: string;
  description: string;
  value: unknown;
  secret: boolean;
  source: string;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function settingsView(
  rt: Runtime,
  rows: readonly SettingDef[],
): Promise<{ config_file: string; dev: boolean; settings: SettingView[] }> {
  const s = rt.settings as unknown as Record<string, unknown>;
  const configFile = String(s.config_file ?? "");
  const dev = s.dev === true;
  const file = configFile ? (await readConfigFile(configFile).catch(() => null)) ?? {} : {};
  const settings = rows.map((def) => {
    const v = settingValue(s, def.name);
    const d = dev && def.dev !== undefined ? def.dev : def.prod;
    let dflt: unknown;
    try {
      dflt = typeof d === "function" ? d(s) : d;
    } catch {
      dflt = undefined;
    }
    const env = envName(def.name);
    const source = Deno.env.get(env) !== undefined
      ? `environment ${env}`
      : file[def.name] !== undefined
      ? `config file ${configFile}`
      : same(v, dflt) || (typeof dflt === "string" && typeof v === "string" && v.endsWith(dflt))
      ? `default${dev && def.dev !== undefined ? " (dev)" : ""}`
      : "command line";
    return {
      name: def.name,
      group: def.group,
      type: def.type,
      description: def.description,
      value: def.secret && typeof v === "string" && v ? mask(v) : v,
      secret: !!def.secret,
      source,
    };
  });
  return { config_file: configFile, dev, settings };
}
