// Reading and writing migration records. Every state change is one atomic
// store write (audited as migration.<event>), mirrored to a sidecar file
// migrations/<id>.json under data_dir so rebuild-db recovers migrations that
// changed since the last generation was written; routing changes are applied
// through the normal pipeline and answer the generation that carries them.
import { AgentError, notFound } from "../../errors.ts";
import { type Rec, specOf, type WriteOp } from "../../store/store.ts";
import { submitChange } from "../../changes/apply.ts";
import { join } from "../../settings/define.ts";
import { MIGRATION_KIND, type MigrationSpec } from "./kind.ts";
import type { MigrationRuntime } from "./settings.ts";

export type MigrationRec = MigrationSpec & Rec;

const LOG_CAP = 500;

export const sidecarDir = (rt: MigrationRuntime) => join(rt.settings.data_dir, "migrations");

export async function getMigration(rt: MigrationRuntime, id: string): Promise<MigrationRec> {
  const m = await rt.store.get(MIGRATION_KIND, id);
  if (!m) throw notFound("migration", id);
  return m as unknown as MigrationRec;
}

export async function listMigrations(rt: MigrationRuntime): Promise<MigrationRec[]> {
  const all = (await rt.store.list(MIGRATION_KIND)) as unknown as MigrationRec[];
  return all.sort((a, b) => a.started_at < b.started_at ? 1 : -1);
}

export function migrationPut(
  m: Omit<MigrationSpec, "name"> & { name: string },
  ifMatch?: number,
  ifAbsent = false,
): WriteOp {
  const { name, ...spec } = m;
  return { type: "put", kind: MIGRATION_KIND, name, spec: { ...spec, name }, ifMatch, ifAbsent };
}

export function withLog(m: MigrationSpec, line: string, at: Date): string[] {
  return [...m.log, `${at.toISOString()} ${line}`].slice(-LOG_CAP);
}

export interface Saved {
  m: MigrationRec;
  /** The generation that carries the change (when applied). */
  generation: number | null;
}

/**
 * Writes the migration's next state (and any other ops, e.g. the bucket record,
 * in the same atomic write), audits it, writes the sidecar, and applies when
 * the routing changed.
 */
export async function save(
  rt: MigrationRuntime,
  m: MigrationRec,
  patch: Partial<MigrationSpec>,
  o: { action: string; line: string; apply?: boolean; ops?: WriteOp[]; actor?: string },
): Promise<Saved> {
  const now = rt.store.now();
  const next = { ...(specOf(m) as unknown as MigrationSpec), ...patch };
  next.log = withLog(next, o.line, now);
  const results = await rt.store.write(() => ({
    ops: [migrationPut(next, m.version), ...(o.ops ?? [])],
    actor: o.actor ?? "migrations",
    action: o.action,
    message: `${m.name}: ${o.line}`.slice(0, 500),
  }));
  const saved = results[0].after as unknown as MigrationRec;
  await writeSidecar(rt, saved);
  let generation: number | null = rt.reconciler.currentGeneration;
  if (o.apply) {
    const r = await submitChange(rt, results);
    if (r.apply && (r.apply.status === "failed" || r.apply.refused.length)) {
      throw new AgentError(
        r.apply.error?.code ?? "NGINX_RELOAD_FAILED",
        `applying ${m.name} (${next.phase}) failed: ${
          r.apply.error?.message ?? JSON.stringify(r.apply.refused)
        }`,
      );
    }
    generation = r.apply?.generation ?? rt.reconciler.currentGeneration;
  }
  return { m: saved, generation };
}

export async function writeSidecar(rt: MigrationRuntime, m: MigrationRec): Promise<void> {
  const dir = sidecarDir(rt);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${dir}/.${m.name}.json.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(m, null, 2) + "\n");
  await Deno.rename(tmp, `${dir}/${m.name}.json`);
}
