// The common tail of every change: hand the committed records to the reconciler
// and return what the caller needs to answer.
import type { Rec, WriteResult } from "../store/store.ts";
import { entityId } from "../store/store.ts";
import type { ApplyOutcome } from "../nginx/reconciler.ts";
import type { ChangeContext } from "./context.ts";
import { AgentError } from "../errors.ts";
import type { ManagedBy } from "../model/record.ts";

export interface ChangeResult {
  record: Rec | null;
  created: boolean;
  changed: boolean;
  /** null when nothing changed (no apply needed). */
  apply: ApplyOutcome | null;
}

export async function submitChange(
  cx: ChangeContext,
  results: WriteResult[],
  primary = 0,
): Promise<ChangeResult> {
  const changed = results.filter((r) => r.changed).map((r) => entityId(r.kind, r.name));
  const main = results[primary];
  const apply = changed.length ? await cx.reconciler.submit(changed) : null;
  return {
    record: main?.after ?? null,
    created: main?.created ?? false,
    changed: changed.length > 0,
    apply,
  };
}

/** Records owned by another entity change only through their owner. */
export function assertNotManaged(rec: Rec | null, kind: string, owner?: ManagedBy): void {
  const m = rec?.managed_by;
  if (!m) return;
  if (owner && m.kind === owner.kind && m.name === owner.name) return;
  throw new AgentError(
    "CONFLICT",
    `${kind} "${rec!.name}" is managed by ${m.kind} "${m.name}"; change it through /api/${
      m.kind === "proxy" ? "proxies" : m.kind + "s"
    }/${m.name}`,
    { kind, name: rec!.name, managed_by: m },
  );
}
