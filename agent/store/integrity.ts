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

/**
 * Reads every value once: a value Deno KV cannot deserialize (random bytes inside
 * a value pass quick_check) would otherwise stop the agent at its first list.
 * Returns why, or null. Cheap: a list of 10,000 keys takes about 70 ms.
 */
export async function unreadableValue(kv: Deno.Kv): Promise<string | null> {
  let last: Deno.KvKey = [];
  try {
    for await (const e of kv.list({ prefix: [] }, { batchSize: 1000 })) last = e.key;
    return null;
  } catch (e) {
    return `${(e as Error).message} after key ${JSON.stringify(last)}`;
  }
}

/** State files are the operator's secrets (sealed records, audit, sessions): owner only. */
export async function ownerOnly(path: string): Promise<void> {
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      await Deno.chmod(`${path}${suffix}`, 0o600);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}
