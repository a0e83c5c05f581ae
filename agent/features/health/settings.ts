// The health feature's settings rows: the probe job, ejection, /metrics.
import { bool, defineSettings, int, oneOf, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";

export const HEALTH_SETTINGS = defineSettings({
  health_ejection: oneOf(["auto", "observe"] as const, {
    group: "Health checks",
    prod: "auto",
    description:
      "auto: a member that fails `fall` checks is rendered down until it passes `rise`; observe: only report",
  }),
  health_tick: int({
    group: "Health checks",
    min: 0,
    max: 60,
    prod: 1,
    description:
      "Seconds between passes of the probe job; each member is probed at its pool's interval (0: off)",
  }),
  health_concurrency: int({
    group: "Health checks",
    min: 1,
    max: 1000,
    prod: 64,
    description: "Probes in flight at once, across all pools",
  }),
  health_owned_checks: bool({
    group: "Health checks",
    prod: true,
    description:
      "Probe proxies' backends at their health_path and projects' at their health path (default check values)",
  }),
  metrics_token: str({
    group: "Metrics",
    prod: "",
    secret: true,
    description:
      "Bearer token GET /metrics accepts besides the API key (for a Prometheus scraper); empty: API key only",
  }),
  metrics_stub_status_port: int({
    group: "Metrics",
    min: 0,
    max: 65535,
    prod: 0,
    description:
      "Loopback port of an nginx stub_status server the agent renders and exports in /metrics (0: off)",
  }),
});

export type HealthSettings = SettingsOf<typeof HEALTH_SETTINGS>;

export type HealthConfig = CoreSettings & HealthSettings;

export type HealthRuntime = Runtime<HealthConfig>;
