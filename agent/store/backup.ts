// State backups: a consistent snapshot of KV (every record with its index
// claims, and the audit log) as one JSON file, taken in one pass under the
// store's write lock, written atomically and rotated (path, path.1, path.2 ...).
// Secret fields are sealed in KV, so the file holds ciphertext only.
import { jsonErrorWhere } from "../model/parse-error.ts";
import { AgentError } from "../errors.ts";
import { clean, REC, type Rec, type Store } from "./store.ts";
import { AUDIT, type AuditEntry } from "./audit.ts";
import { type Head, listHeads, readJson, setJson } from "./kvjson.ts";
import { canonical } from "./store.ts";
import { sha256 } from "../nginx/generations.ts";
import { plaintextSecrets, sealRecord } from "./secrets.ts";
import { VERSION } from "../version.ts";
import { commitAtomic } from "./commit.ts";

export const BACKUP_FORMAT = "switchyard-state-backup";

export interface BackupRecord {
  kind: string;
  record: Rec;
  /** Index claims (uniqueness keys) the record holds. */
  indexes: string[][];
}

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: 1;
  created_at: string;
  agent_version: string;
  /** sha256 of records + audit: equal hashes mean equal content. */
  content_sha256: string;
  counts: Record<string, number>;
  records: BackupRecord[];
  audit: AuditEntry[];
}

export interface Snapshot {
  records: BackupRecord[];
  audit: AuditEntry[];
}

/** Every record and audit entry, read in one pass under the write lock. */
export async function snapshot(store: Store, key?: CryptoKey): Promise<Snapshot> {
  return await store.locked(async () => {
    const records: BackupRecord[] = [];
    for await (const e of store.kv.list<Head>({ prefix: [REC] })) {
      if (e.key.length !== 3) continue; // chunk keys are read through their head
      const raw = await readJson<Rec & { _idx?: string[][] }>(store.kv, e);
      records.push({ kind: String(e.key[1]), record: clean(raw), indexes: raw._idx ?? [] });
    }
    const audit: AuditEntry[] = [];
    for await (const h of listHeads(store.kv, [AUDIT])) {
      audit.push(await readJson<AuditEntry>(store.kv, h));
    }
    // Belt and braces: a feature that forgot to seal a secret field must not leak it here.
    for (const r of records) {
      const paths = store.kinds?.secretsOf(r.kind) ?? [];
      const plain = plaintextSecrets(paths, r.record);
      if (!plain.length) continue;
      if (!key) {
        throw new AgentError(
          "VALIDATION_FAILED",
          `${r.kind} "${r.record.name}" holds unsealed secret field(s) ${
            plain.join(", ")
          }: set the \`secret\` setting (agent config generate-secret --set) before taking backups`,
          { field: "secret" },
        );
      }
      r.record = await sealRecord(paths, r.record, key);
    }
    return { records, audit };
  });
}

export function contentHash(s: Snapshot): string {
  return sha256(canonical({ records: s.records, audit: s.audit }));
}

export function backupOf(s: Snapshot, now = new Date()): BackupFile {
  const counts: Record<string, number> = {};
  for (const r of s.records) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return {
    format: BACKUP_FORMAT,
    version: 1,
    created_at: now.toISOString(),
    agent_version: VERSION,
    content_sha256: contentHash(s),
    counts,
    records: s.records,
    audit: s.audit,
  };
}

/** Shifts path -> path.1 -> ... keeping `keep` files in all (path included). */
async function rotate(path: string, keep: number): Promise<void> {
  const name = (i: number) => (i === 0 ? path : `${path}.${i}`);
  // copies beyond the limit (the setting may have shrunk)
  for (let i = Math.max(keep, 1);; i++) {
    try {
      await Deno.remove(name(i));
    } catch {
      break;
    }
  }
  for (let i = keep - 2; i >= 0; i--) {
    try {
      await Deno.rename(name(i), name(i + 1));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

/** The content hash of the newest backup file, or null. */
export async function lastContentHash(path: string): Promise<string | null> {
  try {
    const b = JSON.parse(await Deno.readTextFile(path)) as Partial<BackupFile>;
    return typeof b.content_sha256 === "string" ? b.content_sha256 : null;
  } catch {
    return null;
  }
}

export interface BackupResult {
  path: string;
  written: boolean;
  bytes: number;
  records: number;
  audit_entries: number;
  counts: Record<string, number>;
  content_sha256: string;
  at: string;
}

/**
 * Writes a backup to `path` with rotation. With `onlyIfChanged`, nothing is
 * written when the newest backup already holds the same content (so timed
 * backups of an idle agent do not rotate useful copies away).
 */
export async function writeBackup(
  store: Store,
  path: string,
  rotateCopies: number,
  opts: { onlyIfChanged?: boolean; key?: CryptoKey; now?: Date; lastHash?: string } = {},
): Promise<BackupResult> {
  const snap = await snapshot(store, opts.key);
  const file = backupOf(snap, opts.now);
  const base = {
    path,
    records: file.records.length,
    audit_entries: file.audit.length,
    counts: file.counts,
    content_sha256: file.content_sha256,
    at: file.created_at,
  };
  const present = await Deno.stat(path).then(() => true, () => false);
  const last = !present
    ? null
    : opts.lastHash ?? (opts.onlyIfChanged ? await lastContentHash(path) : null);
  if (opts.onlyIfChanged && last === file.content_sha256) {
    return { ...base, written: false, bytes: 0 };
  }
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  await Deno.mkdir(dir, { recursive: true });
  const text = JSON.stringify(file) + "\n";
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode: 0o600 });
    await rotate(path, rotateCopies);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new AgentError(
      "CONFIG_WRITE_FAILED",
      `cannot write the backup ${path}: ${(e as Error).message}`,
      {
        path,
      },
    );
  }
  return { ...base, written: true, bytes: new TextEncoder().encode(text).length };
}

/** Reads and checks a backup file; VALIDATION_FAILED names what is wrong. */
/** `secretsOf`: a kind's secret field paths (the agent's kinds), checked sealed. */
export async function readBackup(
  path: string,
  secretsOf: (kind: string) => readonly string[] = () => [],
): Promise<BackupFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `path: cannot read ${path}: ${(e as Error).message}`,
      {
        field: "path",
      },
    );
  }
  let b: BackupFile;
  try {
    b = JSON.parse(text);
  } catch (e) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `path: ${path} is not JSON (${jsonErrorWhere(e)})`,
      {
        field: "path",
      },
    );
  }
  const bad = (why: string) =>
    new AgentError("VALIDATION_FAILED", `path: ${path} is not a state backup: ${why}`, {
      field: "path",
    });
  if (b?.format !== BACKUP_FORMAT) throw bad(`format is not "${BACKUP_FORMAT}"`);
  if (b.version !== 1) throw bad(`unsupported version ${b.version}`);
  if (!Array.isArray(b.records) || !Array.isArray(b.audit)) throw bad("records or audit missing");
  b.records.forEach((r, i) => {
    if (
      typeof r?.kind !== "string" || typeof r.record?.name !== "string" ||
      !Array.isArray(r.indexes)
    ) {
      throw bad(`records[${i}] is malformed`);
    }
  });
  if (contentHash(b) !== b.content_sha256) {
    throw bad("its content does not match content_sha256 (the file was changed or cut short)");
  }
  for (const r of b.records) {
    if (plaintextSecrets(secretsOf(r.kind), r.record).length) {
      throw bad(`${r.kind} "${r.record.name}" holds unsealed secrets`);
    }
  }
  return b;
}

/** Adds the audit entries of a backup that KV does not have (history survives a restore). */
export async function mergeAudit(store: Store, entries: AuditEntry[]): Promise<number> {
  let added = 0;
  for (const e of entries) {
    const head = await store.kv.get<Head>([AUDIT, e.id]);
    if (head.value !== null) continue;
    const op = store.kv.atomic().check({ key: [AUDIT, e.id], versionstamp: null });
    setJson(op, [AUDIT, e.id], e, null);
    if ((await commitAtomic(op)).ok) added++;
  }
  return added;
}
