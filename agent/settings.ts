// Settings: defaults (production or dev), then the TOML file, then AGENT_* env
// vars. Each feature declares its rows beside its code (features/<name>/settings.ts)
// and registers them with `host.settings`; the loader takes the rows of the agent
// being built, so `config show`, the env names, validation and the README table
// all come from the rows. `Settings` is the core's typed view; a feature reads
// its own through its runtime type (e.g. CertsRuntime).
import { type SettingDef, settingDefs } from "./settings/define.ts";
import { type LoadOptions, loadSettings as load } from "./settings/load.ts";
import { CORE_SETTINGS, type CoreSettings } from "./settings/core.ts";

export * from "./settings/define.ts";
export {
  coerce,
  DEFAULT_CONFIG_FILE,
  envName,
  type LoadedSettings,
  type LoadOptions,
  mask,
  maskedSettings,
  readConfigFile,
} from "./settings/load.ts";
export { CORE_SETTINGS, type CoreSettings } from "./settings/core.ts";

/** What the core reads. */
export type Settings = CoreSettings;

/** The core's rows as a flat list. */
export const CORE_ROWS: readonly SettingDef[] = settingDefs(CORE_SETTINGS);

/**
 * Loads `rows` (the core's and the features' an agent registers). The loader
 * returns exactly those rows, and `S` is derived from the same rows.
 */
export async function loadSettings<S extends Settings = Settings>(
  opts: LoadOptions,
  rows: readonly SettingDef[],
): Promise<S> {
  return await load(opts, rows) as unknown as S;
}
