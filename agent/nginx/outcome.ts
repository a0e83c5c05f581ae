// What an apply round answers: the outcome every caller of the change gets, the
// refusals it carries, and what a post-reload verifier reports.
import { AgentError, type ErrorCode } from "../errors.ts";
import type { Rec } from "../store/store.ts";

export interface Refusal {
  id: string;
  kind: string;
  name: string;
  code: ErrorCode;
  message: string;
  nginx_output?: string;
  file?: string;
  line?: number;
  /** What the refusing step knows besides the message (a verifier's findings), for the caller. */
  detail?: Record<string, unknown>;
}

/** One entity a post-reload verifier checked, and what it found. */
export interface Verified {
  /** The entity as the verifier was given it (the group: a proxy, not its site). */
  id: string;
  /** The verifier's name. */
  verifier: string;
  ok: boolean;
  /** Set when not ok: the code the entity was refused with. */
  code?: ErrorCode;
  message?: string;
  /** The verifier's findings (e.g. the URL it requested and what answered). */
  detail?: Record<string, unknown>;
}

export interface ApplyOutcome {
  status: "applied" | "unchanged" | "pending" | "failed" | "dry_run";
  generation: number | null;
  config_hash: string | null;
  reloaded: boolean;
  applied: string[];
  refused: Refusal[];
  /**
   * What the verifiers found after nginx loaded the round's configuration: one
   * entry per entity a verifier checked (verifiers that report only failures
   * give only those). When a failure rolled an entity back and the rest was
   * loaded and verified again, the last verdict per entity and verifier counts.
   */
  verified: Verified[];
  warnings: string[];
  error?: { code: ErrorCode; message: string; nginx_output?: string };
  at: string;
  duration_ms: number;
}

/**
 * What a verifier says about one entity: a failure refuses the entity's group
 * (the round rolls it back), `ok: true` records a pass.
 */
export type Verdict =
  | { id: string; ok: true; message?: string; detail?: Record<string, unknown> }
  | { id: string; ok?: false; code: ErrorCode; message: string; detail?: Record<string, unknown> };

/** A post-reload check a feature adds (e.g. a proxy answers through nginx). */
export interface Verifier {
  name: string;
  /**
   * `requested`: the entities whose callers asked for this check (an activation
   * that waits for its backend); a verifier may check only those.
   */
  verify(
    changed: string[],
    state: Map<string, Rec>,
    requested: ReadonlySet<string>,
  ): Promise<Verdict[]>;
}

/** One round's answer to the reconciler, which settles its waiters with it. */
export interface RoundResult {
  outcome: ApplyOutcome;
  /** The store's write counter when the round read the desired state. */
  seq: number;
  /** Every refused entity (group members included) -> its refusal. */
  refusedIds: Map<string, Refusal>;
  fatal?: AgentError;
  /** Set when a generation was installed: retention runs after the callers are answered, keeping these. */
  protect?: number[];
}

/** An outcome with the defaults filled in, on the generation nginx serves now. */
export function outcomeOf(
  status: ApplyOutcome["status"],
  live: { generation: number | null; hash: string | null },
  extra: Partial<ApplyOutcome> = {},
  started = performance.now(),
): ApplyOutcome {
  return {
    status,
    generation: live.generation,
    config_hash: live.hash,
    reloaded: false,
    applied: [],
    refused: [],
    verified: [],
    warnings: [],
    at: new Date().toISOString(),
    duration_ms: Math.round(performance.now() - started),
    ...extra,
  };
}

/** The answer to a change while the reconciler is on hold (the state was lost). */
export function heldError(reason: string): AgentError {
  return new AgentError("CONFLICT", reason, { hold: true });
}
