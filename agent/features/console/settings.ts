// The console feature's settings rows: what the Logs page may read.
import { defineSettings, int, join, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";
import type { ProjectsSettings } from "../projects/settings.ts";

export const CONSOLE_SETTINGS = defineSettings({
  nginx_access_log: str({
    group: "Console",
    path: true,
    prod: "/var/log/nginx/access.log",
    dev: (s) => join(s.data_dir, "nginx/logs/access.log"),
    description: "nginx access log the Logs page tails (read only)",
  }),
  log_tail_kib: int({
    group: "Console",
    min: 4,
    max: 4096,
    prod: 256,
    description: "Most KiB of a log the Logs page reads per request (bounds memory)",
  }),
});

export type ConsoleSettings = SettingsOf<typeof CONSOLE_SETTINGS>;
export type ConsoleRuntime = Runtime<CoreSettings & ProjectsSettings & ConsoleSettings>;
