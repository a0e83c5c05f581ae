// rebuild-db: migrations from their sidecars (migrations/<id>.json under
// data_dir), which follow every state change; a generation's sidecar only
// follows the applies. The newer version wins.
import type { RebuildSource } from "../../runtime.ts";
import type { Rec } from "../../store/store.ts";
import { entityId } from "../../store/store.ts";
import { MIGRATION_KIND, parseMigration } from "./kind.ts";
import { sidecarDir } from "./records.ts";
import type { MigrationConfig } from "./settings.ts";

export const migrationRebuildSource: RebuildSource<MigrationConfig> = {
  name: "migrations",
  async collect(rt, found) {
    const unreadable: { file: string; reason: string }[] = [];
    const dir = sidecarDir(rt);
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(dir)) entries.push(e);
    } catch { /* no migrations yet */ }
    for (const e of entries) {
      if (
        !e.isFile || !e.name.endsWith(".json") || e.name.startsWith(".") ||
        e.name.endsWith(".at-split.json") || e.name.endsWith(".at-abort.json")
      ) continue;
      const file = `${dir}/${e.name}`;
      try {
        const rec = JSON.parse(await Deno.readTextFile(file)) as Rec;
        parseMigration(rec.name, rec);
        const id = entityId(MIGRATION_KIND, rec.name);
        const have = found.get(id);
        if (!have || (have.version ?? 0) < (rec.version ?? 0)) found.set(id, rec);
      } catch (err) {
        unreadable.push({ file, reason: (err as Error).message });
      }
    }
    return { records: [], unreadable };
  },
};
