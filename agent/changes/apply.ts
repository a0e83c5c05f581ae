// The common tail of every change: hand the committed records to the reconciler
// and return what the caller needs to answer.
import type { Rec, WritePlan, WriteResult } from "../store/store.ts";
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

/**
 * `store.write` for a change an apply follows. A held reconciler would refuse
 * the apply, so the change is refused (409) before it is stored: the hold is
 * checked inside the plan, under the write lock, before anything else. A change's
 * plan only reads, so the store may run it once more to read ahead (read-ahead.ts).
 */
export function writeChange(
  cx: ChangeContext,
  plan: () => Promise<WritePlan> | WritePlan,
): Promise<WriteResult[]> {
  return cx.store.write(async () => {
    cx.reconciler.assertNotHeld();
    return await plan();
  }, { readAhead: true });
}

export async function submitChange(
  cx: ChangeContext,
  results: WriteResult[],
  primary = 0,
  opts: { verify?: boolean } = {},
): Promise<ChangeResult> {
  const changed = results.filter((r) => r.changed).map((r) => entityId(r.kind, r.name));
  const main = results[primary];
  const apply = changed.length ? await settled(cx, changed, main, opts) : null;
  return {
    record: main?.after ?? null,
    created: main?.created ?? false,
    changed: changed.length > 0,
    apply,
  };
}

/**
 * Waits for the apply. When the reconciler refuses the change it has already put
 * the record back (its own write, a new version): the error carries that version
 * as `detail.current_version` (0 when the record is gone) so a form can adopt it
 * and save its draft again instead of failing on If-Match.
 */
async function settled(
  cx: ChangeContext,
  changed: string[],
  main: WriteResult | undefined,
  opts: { verify?: boolean },
): Promise<ApplyOutcome> {
  try {
    return await cx.reconciler.submit(changed, opts);
  } catch (e) {
    if (e instanceof AgentError && main && e.detail.entity) {
      const now = await cx.store.get(main.kind, main.name).catch(() => null);
      e.detail.current_version = now?.version ?? 0;
      e.detail.reverted = true;
    }
    throw e;
  }
}

/** Records owned by another entity change only through their owner. */
export function assertNotManaged(
  rec: { name: string; managed_by?: ManagedBy } | null,
  kind: string,
  owner?: ManagedBy,
): void {
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
