// The expiry feature's settings row: how often expired entities are removed.
import { defineSettings, int, type SettingsOf } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";

export const EXPIRY_SETTINGS = defineSettings({
  expiry_interval: int({
    group: "Expiry",
    min: 0,
    max: 3600,
    prod: 5,
    description:
      "Seconds between removals of expired sites, routes and proxies (expires_at / ttl); 0: off",
  }),
});

export type ExpirySettings = SettingsOf<typeof EXPIRY_SETTINGS>;
export type ExpiryRuntime = Runtime<CoreSettings & ExpirySettings>;
