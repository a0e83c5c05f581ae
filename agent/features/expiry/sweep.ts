// The expiry sweep: every entity whose `expires_at` passed is removed through
// the normal pipeline, all of them in one store write audited as `expired`
// and one reconciler round (a burst of expiries costs one reload). Generic over
// the kinds: a record that expires is deleted with the records it owns; an
// item of a record's list (a site's route) that expires is removed from it.
import type { Runtime } from "../../runtime.ts";
import { entityId, type Rec, specOf, type WriteOp } from "../../store/store.ts";
import { remainingSeconds } from "../../model/expiry.ts";

const expired = (v: unknown, now: number) => {
  const left = remainingSeconds(v, now);
  return left !== null && Date.parse(v as string) <= now;
};

/** Whether the record or an item of one of its lists expired by `now`. */
function expiresAny(rec: Rec, now: number): boolean {
  if (expired(rec.expires_at, now)) return true;
  for (const v of Object.values(rec)) {
    if (!Array.isArray(v)) continue;
    for (const item of v) {
      if (item && typeof item === "object" && expired(item.expires_at, now)) return true;
    }
  }
  return false;
}

/** The ops that remove what expired by `now`, and the entities they name. */
export function expiryOps(
  all: Map<string, Rec>,
  now: number,
): { ops: WriteOp[]; removed: string[] } {
  const ops: WriteOp[] = [];
  const removed: string[] = [];
  for (const [id, rec] of all) {
    if (rec.managed_by) continue; // goes with its owner
    // Most records expire in nothing: looked at without a copy (10,000 sites every 5 s).
    if (!expiresAny(rec, now)) continue;
    const kind = id.slice(0, id.indexOf("/"));
    if (expired(rec.expires_at, now)) {
      ops.push({ type: "delete", kind, name: rec.name, ifMatch: rec.version });
      removed.push(id);
      for (const [oid, o] of all) {
        if (o.managed_by?.kind === kind && o.managed_by.name === rec.name) {
          ops.push({ type: "delete", kind: oid.slice(0, oid.indexOf("/")), name: o.name });
        }
      }
      continue;
    }
    const spec: Record<string, unknown> = specOf(rec);
    let changed = false;
    for (const [field, v] of Object.entries(spec)) {
      if (!Array.isArray(v)) continue;
      const kept = v.filter((item) => {
        const gone = item && typeof item === "object" && expired(item.expires_at, now);
        if (gone) removed.push(`${id}/${field}/${item.name ?? "?"}`);
        return !gone;
      });
      if (kept.length !== v.length) {
        spec[field] = kept;
        changed = true;
      }
    }
    if (changed) ops.push({ type: "put", kind, name: rec.name, spec, ifMatch: rec.version });
  }
  return { ops, removed };
}

/**
 * Every record, from the store's list snapshots (read from KV again only after a
 * write): the status and the job ask often, and reading 10,000 records costs
 * hundreds of milliseconds. Read only.
 */
async function snapshot(rt: Runtime): Promise<Map<string, Rec>> {
  const out = new Map<string, Rec>();
  for (const kind of rt.kinds.list().map((k) => k.name).sort()) {
    for (const r of await rt.lists.list(kind)) out.set(entityId(kind, r.name), r);
  }
  return out;
}

export async function sweepExpired(rt: Runtime): Promise<string[]> {
  // Nothing expired (the usual case): no write lock taken, no KV read of every record.
  if (!expiryOps(await snapshot(rt), rt.store.now().getTime()).removed.length) return [];
  const results = await rt.store.write(async () => {
    const { ops, removed } = expiryOps(await rt.store.all(), rt.store.now().getTime());
    if (removed.length) rt.log(`expired: ${removed.join(", ")}`);
    return { ops, actor: "expiry", action: "expired", message: removed.join(", ") };
  });
  const changed = results.filter((r) => r.changed);
  if (changed.length) await rt.reconciler.submit([]);
  return changed.map((r) => entityId(r.kind, r.name));
}

/** Every entity (or list item) that will expire, with its remaining seconds. */
export async function expiring(rt: Runtime) {
  const now = rt.store.now().getTime();
  const out: { id: string; expires_at: string; remaining_s: number }[] = [];
  for (const [id, rec] of await snapshot(rt)) {
    if (typeof rec.expires_at === "string") {
      out.push({
        id,
        expires_at: rec.expires_at,
        remaining_s: remainingSeconds(rec.expires_at, now)!,
      });
    }
    for (const [field, v] of Object.entries(rec)) {
      if (!Array.isArray(v)) continue;
      for (const item of v) {
        if (item && typeof item === "object" && typeof item.expires_at === "string") {
          out.push({
            id: `${id}/${field}/${item.name}`,
            expires_at: item.expires_at,
            remaining_s: remainingSeconds(item.expires_at, now)!,
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.remaining_s - b.remaining_s);
}
