// The resilience feature: drift detection, rebuild from disk, backups and
// restores, generation history, the config CLI and `agent doctor`.
import type { Feature } from "../../host.ts";
import { resilienceDocs, resilienceRouter } from "./api.ts";
import { liveDriftIssues, runDriftCheck } from "./drift-run.ts";
import { takeBackup } from "./backup-job.ts";
import { startupChecks } from "./startup.ts";
import { newResilienceState, RESILIENCE, stateOf } from "./state.ts";
import { resilienceCommands } from "./cli.ts";
import { rebuildDbCommand } from "./rebuild-db-command.ts";
import { configCommand } from "./config-command.ts";
import { doctorCommand } from "./doctor.ts";
import { RESILIENCE_SETTINGS } from "./settings.ts";
import { quarantined, quarantineJob } from "./quarantine.ts";
import type { ResilienceRuntime } from "./settings.ts";

const JOBS = new Set(["drift", "backup"]);

async function driftSection(rt: ResilienceRuntime) {
  const st = stateOf(rt);
  // Outside `agent serve` no job runs: check on demand (without audit entries).
  if (!st.drift) return await runDriftCheck(rt, { audit: false });
  // An apply since the last check replaced the files it reported on.
  if (st.drift.generation !== rt.reconciler.currentGeneration) return await runDriftCheck(rt);
  return st.drift;
}

export const resilienceFeature: Feature = {
  name: "resilience",
  setup(host) {
    const h = host.settings(RESILIENCE_SETTINGS);
    h.provide(RESILIENCE, newResilienceState);
    h.init(startupChecks);
    h.status("drift", driftSection);
    h.status("resilience", (rt) => {
      const st = stateOf(rt);
      return Promise.resolve({
        hold: rt.reconciler.held,
        jobs: rt.scheduler.status().filter((j) => JOBS.has(j.name)),
        last_backup: st.lastBackup,
        last_backup_error: st.lastBackupError,
        backup_path: rt.settings.backup_path,
      });
    });
    h.job({
      name: "drift",
      every: (rt) => rt.settings.drift_interval,
      firstAfterSeconds: 0,
      run: async (rt) => {
        await runDriftCheck(rt);
      },
    });
    h.job({
      name: "quarantine",
      every: (rt) => rt.settings.quarantine_interval,
      run: quarantineJob(),
    });
    h.job({
      name: "backup",
      every: (rt) => rt.settings.backup_interval,
      run: async (rt) => {
        await takeBackup(rt, { onlyIfChanged: true });
      },
    });
    h.route({ prefix: "config", make: resilienceRouter, docs: resilienceDocs });
    h.health((rt) => {
      const d = stateOf(rt).drift;
      const issues = liveDriftIssues(d);
      const drifted = issues.length > 0;
      return Promise.resolve({
        name: "resilience",
        value: {
          hold: rt.reconciler.held !== null,
          drift: d ? { ok: d.ok, files: d.files.length, checked_at: d.checked_at } : null,
          last_backup_at: stateOf(rt).lastBackup?.at ?? null,
        },
        degraded: rt.reconciler.held !== null || drifted,
        reasons: [
          ...(rt.reconciler.held !== null
            ? [{ message: rt.reconciler.held, link: "#/config", degraded: true }]
            : []),
          ...(drifted
            ? issues.map((message) => ({
              message,
              link: "#/config",
              degraded: true,
            }))
            : []),
        ],
      });
    });
    h.health(async (rt) => {
      const q = await quarantined(rt);
      return { name: "sites_degraded", value: q, degraded: q.length > 0 };
    });
    h.command(rebuildDbCommand, configCommand, doctorCommand, ...resilienceCommands);
  },
};
