// Checks when an agent starts (serve and the CLI's in-process mode):
// - an empty state next to a generation that holds records means the state file
//   was lost: applying it would remove every managed site from nginx, so the
//   reconciler is put on hold until rebuild-db or a restore;
// - change entries still "pending" in the audit log whose change nginx already
//   serves (the agent was killed after the reload, before recording it) get
//   their outcome.
import { AUDIT_PENDING, resolvePending } from "../../store/audit.ts";
import type { ResilienceRuntime } from "./settings.ts";

export function lostStateMessage(generation: number, records: number): string {
  return `the state is empty while generation ${generation} on disk holds ${records} record(s) ` +
    "(was the state file lost, deleted or corrupted?): nothing is applied until `agent rebuild-db` " +
    "restores the state from the nginx files (or `agent restore BACKUP`); " +
    "`agent rebuild-db --start-empty` keeps the empty state instead, and the next apply removes every managed site";
}

export async function startupChecks(rt: ResilienceRuntime): Promise<void> {
  const r = rt.reconciler;
  if (r.currentGeneration !== null && r.applied.size > 0 && (await rt.store.isEmpty())) {
    const msg = lostStateMessage(r.currentGeneration, r.applied.size);
    r.hold(msg);
    rt.warnings.push(msg); // printed by `agent serve` at start, shown in /api/config/status
  }
  const pending = new Set((await r.pending()).map((p) => p.id));
  const done = new Set<string>();
  for await (const e of rt.store.kv.list({ prefix: [AUDIT_PENDING] })) {
    const [kind, name] = [String(e.key[1]), String(e.key[2])];
    const id = `${kind}/${name}`;
    if (pending.has(id) || done.has(id)) continue;
    done.add(id);
    await resolvePending(rt.store.kv, kind, name, {
      outcome: "applied",
      message: "outcome recorded after a restart: the agent stopped before recording it, " +
        "and nginx serves the change",
      generation: r.currentGeneration,
    });
  }
}
