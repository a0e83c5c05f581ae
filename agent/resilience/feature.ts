// The resilience feature: drift detection, rebuild from disk, backups and
// restores, generation history, the config CLI and `agent doctor`.
import type { Feature } from "../features.ts";
import type { Runtime } from "../runtime.ts";
import { addStatusSection } from "../api/config.ts";
import { resilienceRouter } from "../api/resilience.ts";
import { Scheduler } from "../scheduler/scheduler.ts";
import { runDriftCheck } from "./drift-run.ts";
import { takeBackup } from "./backup-job.ts";
import { startupChecks } from "./startup.ts";
import { stateOf } from "./state.ts";
import { resilienceCommands } from "../cli/resilience-commands.ts";
import { rebuildDbCommand } from "../cli/rebuild-db.ts";
import { configCommand } from "../cli/config.ts";
import { doctorCommand } from "../cli/doctor.ts";

async function driftSection(rt: Runtime) {
  const st = stateOf(rt);
  // Outside `agent serve` no job runs: check on demand (without audit entries).
  if (!st.drift) return await runDriftCheck(rt, { audit: false });
  // An apply since the last check replaced the files it reported on.
  if (st.drift.generation !== rt.reconciler.currentGeneration) return await runDriftCheck(rt);
  return st.drift;
}

export const resilienceFeature: Feature = {
  name: "resilience",
  async init(rt) {
    await startupChecks(rt);
    addStatusSection(rt, "drift", () => driftSection(rt));
    addStatusSection(rt, "resilience", () => {
      const st = stateOf(rt);
      return Promise.resolve({
        hold: rt.reconciler.hold,
        jobs: st.scheduler?.status() ?? [],
        last_backup: st.lastBackup,
        last_backup_error: st.lastBackupError,
        backup_path: rt.settings.backup_path,
      });
    });
  },
  start(rt) {
    const st = stateOf(rt);
    const s = new Scheduler(rt.log);
    s.every("drift", rt.settings.drift_interval, async () => {
      await runDriftCheck(rt);
    }, { firstAfterSeconds: 0 });
    s.every("backup", rt.settings.backup_interval, async () => {
      await takeBackup(rt, { onlyIfChanged: true });
    });
    st.scheduler = s;
    s.start();
    return Promise.resolve(async () => {
      await s.stop();
    });
  },
  mounts: [["config", resilienceRouter]],
  health: [
    (rt) => {
      const d = stateOf(rt).drift;
      return Promise.resolve({
        name: "resilience",
        value: {
          hold: rt.reconciler.hold !== null,
          drift: d ? { ok: d.ok, files: d.files.length, checked_at: d.checked_at } : null,
          last_backup_at: stateOf(rt).lastBackup?.at ?? null,
        },
        degraded: rt.reconciler.hold !== null,
      });
    },
  ],
  // A getter: the CLI modules import the client, which imports the feature list
  // (a cycle), so the commands are read when the CLI runs, not at module load.
  get commands() {
    return [rebuildDbCommand, configCommand, doctorCommand, ...resilienceCommands];
  },
};
