// Per-runtime state of the resilience feature: the last drift report, the
// problems already recorded in the audit log, the job scheduler, the last backup.
import type { Runtime } from "../runtime.ts";
import type { DriftReport } from "../nginx/drift.ts";
import type { Scheduler } from "../scheduler/scheduler.ts";

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
  scheduler: Scheduler | null;
  lastBackup: BackupInfo | null;
  lastBackupError: string | null;
}

const states = new WeakMap<Runtime, ResilienceState>();

export function stateOf(rt: Runtime): ResilienceState {
  let s = states.get(rt);
  if (!s) {
    s = { drift: null, scheduler: null, lastBackup: null, lastBackupError: null };
    states.set(rt, s);
  }
  return s;
}
