// The migrations feature's settings rows: the rclone binary and its limits, the
// number of migrations that run at once, and how long a split waits for
// multipart uploads begun on the source.
import { defineSettings, int, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { StorageConfig } from "../storage/settings.ts";

export const MIGRATION_SETTINGS = defineSettings({
  rclone_path: str({
    group: "Migrations",
    prod: "rclone",
    description: "The rclone binary that copies buckets between nanio pools (1.60 or later)",
  }),
  migration_max_parallel: int({
    group: "Migrations",
    min: 1,
    max: 64,
    prod: 2,
    description: "Migrations that run at once; more wait as pending",
  }),
  migration_bandwidth_limit: str({
    group: "Migrations",
    prod: "",
    check: (v) =>
      v === "" || /^\d+(\.\d+)?[KMGkmg]?$/.test(String(v))
        ? undefined
        : "an rclone --bwlimit such as 50M, or empty",
    description: "rclone --bwlimit of every migration pass (e.g. 50M); empty: no limit",
  }),
  migration_checkers: int({
    group: "Migrations",
    min: 1,
    max: 256,
    prod: 8,
    description: "rclone --checkers of every migration pass",
  }),
  migration_transfers: int({
    group: "Migrations",
    min: 1,
    max: 256,
    prod: 4,
    description: "rclone --transfers of every migration pass",
  }),
  migration_max_copy_passes: int({
    group: "Migrations",
    min: 1,
    max: 1000,
    prod: 10,
    description: "Copy passes before the split at most (the split freezes the source)",
  }),
  multipart_drain_timeout: int({
    group: "Migrations",
    min: 0,
    max: 86400,
    prod: 900,
    description:
      "Seconds the switch waits for multipart uploads begun on the source before the migration fails naming them",
  }),
});

export type MigrationSettings = SettingsOf<typeof MIGRATION_SETTINGS>;
export type MigrationConfig = StorageConfig & MigrationSettings;
export type MigrationRuntime = Runtime<MigrationConfig>;
