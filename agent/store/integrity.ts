// The state file is SQLite underneath Deno KV. Deno opens a damaged file
// without complaint and then panics on the first read of a bad page, which no
// try/catch can handle, so the file is checked with SQLite's own quick_check
// (read-only) before Deno KV opens it.
import { DatabaseSync } from "node:sqlite";

/** null when the file is a sound SQLite database, else the reason it is not. */
export function kvFileProblem(path: string): string | null {
  let db: DatabaseSync | null = null;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const rows = db.prepare("PRAGMA quick_check").all() as { quick_check: string }[];
    const result = rows.map((r) => r.quick_check).join("; ");
    return result === "ok" ? null : result.split("\n").slice(0, 3).join(" ");
  } catch (e) {
    return (e as Error).message;
  } finally {
    try {
      db?.close();
    } catch { /* already closed */ }
  }
}

/** Moves a damaged state file (and its -wal/-shm companions) aside; returns the new path. */
export async function moveAside(path: string, now = new Date()): Promise<string> {
  const aside = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      await Deno.rename(`${path}${suffix}`, `${aside}${suffix}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return aside;
}
