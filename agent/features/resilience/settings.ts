// The resilience feature's settings rows: its drift-check and backup jobs.
// (agent doctor also reads backup_path and backup_interval for its backup check.)
import { defineSettings, int, join, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";

export const RESILIENCE_SETTINGS = defineSettings({
  drift_interval: int({
    group: "Resilience",
    min: 0,
    max: 86400,
    prod: 60,
    description: "Seconds between drift checks of the managed files (0: off)",
  }),
  quarantine_interval: int({
    group: "Resilience",
    min: 0,
    max: 86400,
    prod: 10,
    description:
      "Seconds between checks for TLS files of sites gone or back (a site whose file is missing is served without TLS; 0: off)",
  }),
  backup_interval: int({
    group: "Resilience",
    min: 0,
    max: 604800,
    prod: 300,
    description: "Seconds between state backups, taken only when the state changed (0: off)",
  }),
  backup_rotate: int({
    group: "Resilience",
    min: 1,
    max: 1000,
    prod: 3,
    description: "Backup copies kept: backup_path, backup_path.1, ...",
  }),
  backup_path: str({
    group: "Resilience",
    path: true,
    prod: (s) => join(s.data_dir, "agent-backup.json"),
    description: "State backup file (JSON; secret fields stay sealed)",
  }),
});

export type ResilienceSettings = SettingsOf<typeof RESILIENCE_SETTINGS>;

/** What this feature's code reads: the core's settings and its own. */
export type ResilienceConfig = CoreSettings & ResilienceSettings;

/** The runtime this feature's callbacks get (see `host.settings`). */
export type ResilienceRuntime = Runtime<ResilienceConfig>;
