// Every feature of the agent, in setup order. Only main.ts (and tests and
// tools) import this list: the core never knows which features exist.
import type { Feature } from "../host.ts";
import { hostFor } from "../bootstrap.ts";
import type { CoreSettings } from "../settings/core.ts";
import { type LoadOptions, loadSettings as load, maskedSettings as mask } from "../settings.ts";
import { fleetFeature } from "./fleet/feature.ts";
import { resilienceFeature } from "./resilience/feature.ts";
import { projectsFeature } from "./projects/feature.ts";
import { certsFeature } from "./certs/feature.ts";
import { proxiesFeature } from "./proxies/feature.ts";
import { storageFeature } from "./storage/feature.ts";
import { migrationsFeature } from "./migrations/feature.ts";
import { healthFeature } from "./health/feature.ts";
import { operatorFeature } from "./operator/feature.ts";
import { consoleFeature } from "./console/feature.ts";
import { gitopsFeature } from "./gitops/feature.ts";
import { expiryFeature } from "./expiry/feature.ts";
import { tenantsFeature } from "./tenants/feature.ts";
import type { FleetSettings } from "./fleet/settings.ts";
import type { ResilienceSettings } from "./resilience/settings.ts";
import type { ProjectsSettings } from "./projects/settings.ts";
import type { CertsSettings } from "./certs/settings.ts";
import type { ProxiesSettings } from "./proxies/settings.ts";
import type { StorageSettings } from "./storage/settings.ts";
import type { MigrationSettings } from "./migrations/settings.ts";
import type { HealthSettings } from "./health/settings.ts";
import type { OperatorSettings } from "./operator/settings.ts";
import type { ConsoleSettings } from "./console/settings.ts";
import type { ExpirySettings } from "./expiry/settings.ts";

export const FEATURES: readonly Feature[] = [
  fleetFeature, // first: its init makes the store write through etcd before others write
  resilienceFeature,
  projectsFeature,
  certsFeature,
  proxiesFeature,
  storageFeature,
  migrationsFeature,
  healthFeature,
  operatorFeature,
  consoleFeature,
  gitopsFeature,
  expiryFeature,
  tenantsFeature,
];

/** The settings of this program's agent: the core's and every feature's. */
export type ProgramSettings =
  & CoreSettings
  & FleetSettings
  & ResilienceSettings
  & ProjectsSettings
  & CertsSettings
  & ProxiesSettings
  & StorageSettings
  & MigrationSettings
  & HealthSettings
  & OperatorSettings
  & ConsoleSettings
  & ExpirySettings;

/** Every settings row of this program, in the order `config show` and the README list them. */
export const SETTINGS = hostFor(FEATURES).settingRows;

/** Loads this program's settings (tests and tools; the CLI gets the same through runCli). */
export function loadSettings(opts: LoadOptions = {}): Promise<ProgramSettings> {
  return load<ProgramSettings>(opts, SETTINGS);
}

export function maskedSettings(s: ProgramSettings): Record<string, unknown> {
  return mask(s, SETTINGS);
}
