// The operator feature's rows: the container mode, where the agent is PID 1.
import { bool, defineSettings, int, type SettingsOf } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { Settings } from "../../settings.ts";

export const OPERATOR_SETTINGS = defineSettings({
  supervise_nginx: bool({
    group: "Operator",
    prod: false,
    description:
      "Run nginx as the agent's child in the foreground and restart it when it exits (containers: the agent is PID 1)",
  }),
  supervise_restart_delay: int({
    group: "Operator",
    min: 0,
    max: 300,
    prod: 1,
    description: "Seconds before a supervised nginx that exited is started again",
  }),
});

export type OperatorSettings = SettingsOf<typeof OPERATOR_SETTINGS>;
export type OperatorRuntime = Runtime<Settings & OperatorSettings>;
