// Per-runtime state of the resilience feature: the last drift report, the
// problems already recorded in the audit log, the last backup.
import { serviceKey } from "../../runtime.ts";
import type { DriftReport } from "../../nginx/drift.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface BackupInfo {
  path: string;
  at: string;
  written: boolean;
  bytes: number;
  records: number;
  content_sha256: string;
}

export interface ResilienceState {
  drift: DriftReport | null;
  lastBackup: BackupInfo | null;
  lastBackupError: string | null;
}

export const RESILIENCE = serviceKey<ResilienceState>("resilience");

export function newResilienceState(): ResilienceState {
  return { drift: null, lastBackup: null, lastBackupError: null };
}

export function stateOf(rt: ResilienceRuntime): ResilienceState {
  return rt.use(RESILIENCE);
}
