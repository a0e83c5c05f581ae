// The one end of every round that had changes: the outcome, refused entities put
// back to what nginx serves, the pending audit entries resolved, and one audit
// entry for the apply.
import type { AgentError } from "../errors.ts";
import { appendAudit, resolvePendingAll } from "../store/audit.ts";
import type { Rec } from "../store/store.ts";
import type { ReconcilerDeps } from "./deps.ts";
import { type ApplyOutcome, outcomeOf, type RoundResult, type Verified } from "./outcome.ts";
import { type RoundPlan, splitId } from "./plan.ts";
import { transient } from "./retry.ts";

/** How a round ended; `finish` turns it into the outcome. */
export interface RoundEnd {
  status: ApplyOutcome["status"];
  applied?: string[];
  reloaded?: boolean;
  /** The round failed as a whole: every caller gets this error. */
  fatal?: AgentError;
  /** Set when a generation was installed: retention must keep these. */
  protect?: number[];
}

/** What the round gathered on the way. */
export interface RoundLog {
  plan: RoundPlan;
  warnings: string[];
  verified: Map<string, Verified>;
  started: number;
  seq: number;
}

export async function finish(
  deps: ReconcilerDeps,
  live: { generation: number | null; hash: string | null; applied: Map<string, Rec> },
  r: RoundLog,
  end: RoundEnd,
): Promise<RoundResult> {
  const { plan, warnings } = r;
  // Reload-free upstreams: nginx's members become the applied state's (a refused
  // change's early push is undone), every pool again after a reload.
  await deps.peers?.settle(live.applied, end.reloaded === true).catch((e) =>
    warnings.push(e instanceof Error ? e.message : String(e))
  );
  const applied = (end.applied ?? []).sort();
  const fatal = end.fatal;
  const nginxOutput = fatal?.detail.nginx_output as string | undefined;
  const outcome = outcomeOf(end.status, live, {
    applied,
    refused: plan.refusals,
    verified: [...r.verified.values()],
    warnings: [...new Set(warnings)],
    reloaded: end.reloaded ?? false,
    ...(fatal
      ? { error: { code: fatal.code, message: fatal.message, nginx_output: nginxOutput } }
      : {}),
  }, r.started);
  const log = (m: string) => deps.log?.(m);
  const kv = deps.store.kv;
  // Refused entities go back to what nginx serves, so the next round does not retry them.
  for (const ref of plan.refusals) {
    for (const id of plan.membersOf(ref.id)) {
      await deps.restore(id, live.applied.get(id) ?? null, ref).catch((e) =>
        log(`could not restore ${id} after refusal: ${e}`)
      );
    }
  }
  // A round that failed as a whole answers 5xx to the callers waiting on it, and a 5xx
  // means nothing was stored: their records go back as refused ones do. (In manual
  // mode the changes were acknowledged as pending: they stay, and are retried.)
  if (fatal && transient(fatal) && deps.settings.apply_mode === "auto") {
    const back = { id: "", kind: "", name: "", code: fatal.code, message: fatal.message };
    for (const group of plan.remaining) {
      for (const id of plan.membersOf(group)) {
        await deps.restore(id, live.applied.get(id) ?? null, { ...back, id, ...splitId(id) })
          .catch((e) => log(`could not put back ${id} after a failed apply: ${e}`));
      }
    }
  }
  // Every pending entry at once: a burst's callers wait for this.
  const resolved: Parameters<typeof resolvePendingAll>[1] = [];
  for (const id of applied) {
    resolved.push({
      ...splitId(id),
      outcome: { outcome: end.status, generation: outcome.generation },
    });
  }
  for (const ref of plan.refusals) {
    for (const id of plan.membersOf(ref.id)) {
      resolved.push({
        ...splitId(id),
        outcome: {
          outcome: "refused",
          message: ref.message,
          nginx_output: ref.nginx_output,
          generation: outcome.generation,
        },
      });
    }
  }
  if (fatal) {
    for (const g of plan.groups.values()) {
      for (const id of g) {
        resolved.push({
          ...splitId(id),
          outcome: { outcome: "failed", message: fatal.message, nginx_output: nginxOutput },
        });
      }
    }
  }
  // An entity resolved as refused keeps that outcome when the round then fails as a whole.
  const seen = new Set<string>();
  await resolvePendingAll(
    kv,
    resolved.filter((x) => !seen.has(`${x.kind}/${x.name}`) && seen.add(`${x.kind}/${x.name}`)),
  );
  await appendAudit(kv, {
    at: outcome.at,
    actor: "reconciler",
    action: "apply",
    entity: { kind: "config", name: "generation" },
    before: null,
    after: null,
    outcome: fatal ? "failed" : end.status,
    message: fatal?.message ??
      `${applied.length} applied, ${plan.refusals.length} refused${
        end.reloaded ? ", nginx reloaded" : ""
      }`,
    nginx_output: nginxOutput ??
      (plan.refusals.map((x) => x.nginx_output).filter(Boolean).join("\n") || undefined),
    generation: outcome.generation,
    detail: {
      applied,
      refused: plan.refusals.map((x) => ({ id: x.id, code: x.code, message: x.message })),
      warnings: outcome.warnings,
    },
  });
  log(
    `apply: ${outcome.status} generation=${outcome.generation} applied=${applied.length} refused=${plan.refusals.length}` +
      (fatal ? ` error=${fatal.message}` : ""),
  );
  return { outcome, seq: r.seq, refusedIds: plan.refusedIds, fatal };
}

/** Retention after a round installed a generation (the callers are answered by then). */
export async function retain(deps: ReconcilerDeps, protect: number[]): Promise<void> {
  const s = deps.settings;
  await deps.generations.prune(s.generations_keep, s.generations_max_age_days, protect)
    .catch((e) => deps.log?.(`prune failed: ${e}`));
}

/** The round applied what remains (nothing left after a rollback: the change failed). */
export function done(
  r: RoundLog & { deps: ReconcilerDeps },
  reloaded: boolean,
  protect: number[],
): RoundEnd {
  const dryRun = r.deps.nginx.dryRun;
  if (dryRun) {
    r.warnings.push(
      "nginx is not installed: configuration written but not tested or loaded (dry-run)",
    );
  }
  const status = r.plan.remaining.size === 0 ? "failed" : dryRun ? "dry_run" : "applied";
  return { status, applied: r.plan.appliedIds(), reloaded, protect };
}
