// The proxies feature's settings rows: health checks and the registry sync.
import { defineSettings, int, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";
import type { CertsSettings } from "../certs/settings.ts";

export const PROXIES_SETTINGS = defineSettings({
  proxy_health_timeout: int({
    group: "Proxies",
    min: 1,
    max: 300,
    prod: 5,
    description:
      "Seconds an upstream's health path has to answer 2xx (require_healthy) and a proxy to answer through nginx",
  }),
  registry_url: str({
    group: "Proxies",
    prod: "",
    description:
      "Registry of services synced into proxies: an http(s) URL of JSON, or a file (JSON or projrouter registry.toml); empty: none",
  }),
  registry_sync_interval: int({
    group: "Proxies",
    min: 0,
    max: 604800,
    prod: 0,
    description: "Seconds between scheduled registry syncs (0: only on request)",
  }),
  registry_timeout: int({
    group: "Proxies",
    min: 1,
    max: 300,
    prod: 10,
    description: "Seconds the registry has to answer a sync",
  }),
  registry_health_concurrency: int({
    group: "Proxies",
    min: 1,
    max: 256,
    prod: 16,
    description: "Upstream health checks a registry sync runs at once",
  }),
});

export type ProxiesSettings = SettingsOf<typeof PROXIES_SETTINGS>;

/** What this feature's code reads: the core's settings and its own (and the certificates feature's). */
export type ProxiesConfig = CoreSettings & ProxiesSettings & CertsSettings;

/** The runtime this feature's callbacks get (see `host.settings`). */
export type ProxiesRuntime = Runtime<ProxiesConfig>;
