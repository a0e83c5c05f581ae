// Backups for a runtime: on demand and from the scheduler (only when the state
// changed since the newest backup), with the `secret` key to seal stray secrets.
import { type BackupResult, writeBackup } from "../../store/backup.ts";
import { importSecret } from "../../store/secrets.ts";
import { stateOf } from "./state.ts";
import type { ResilienceRuntime } from "./settings.ts";

export async function takeBackup(
  rt: ResilienceRuntime,
  opts: { onlyIfChanged: boolean },
): Promise<BackupResult> {
  const st = stateOf(rt);
  try {
    const key = rt.settings.secret ? await importSecret(rt.settings.secret) : undefined;
    const r = await writeBackup(rt.store, rt.settings.backup_path, rt.settings.backup_rotate, {
      onlyIfChanged: opts.onlyIfChanged,
      key,
      // the newest backup this agent wrote (saves reading the file at every run)
      lastHash: st.lastBackup?.path === rt.settings.backup_path
        ? st.lastBackup.content_sha256
        : undefined,
    });
    st.lastBackup = {
      path: r.path,
      at: r.at,
      written: r.written,
      bytes: r.bytes,
      records: r.records,
      content_sha256: r.content_sha256,
    };
    st.lastBackupError = null;
    return r;
  } catch (e) {
    st.lastBackupError = (e as Error).message;
    throw e;
  }
}
