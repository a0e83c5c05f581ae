// Who gets which answer after a round: callers whose change the round read get
// its outcome, its refusal of their entity, or its error; later ones wait for
// the next round.
import { AgentError } from "../errors.ts";
import type { ApplyOutcome, RoundResult } from "./outcome.ts";

export interface Waiter {
  /** The store's write counter after the caller's change committed. */
  seq: number;
  ids: string[];
  /** The caller waits for the verifiers to check these entities (see Verifier). */
  verify?: boolean;
  resolve: (o: ApplyOutcome) => void;
  reject: (e: AgentError) => void;
}

/** Answers the waiters the round carried; returns those still waiting. */
export function settle(waiters: Waiter[], r: RoundResult, generation: number | null): Waiter[] {
  const still: Waiter[] = [];
  for (const w of waiters) {
    if (w.seq > r.seq) {
      still.push(w); // its change landed after this round read KV
      continue;
    }
    if (r.fatal) {
      w.reject(r.fatal);
      continue;
    }
    const ref = w.ids.map((i) => r.refusedIds.get(i)).find((x) => x !== undefined);
    if (ref) {
      w.reject(
        new AgentError(ref.code, ref.message, {
          ...ref.detail,
          entity: { kind: ref.kind, name: ref.name },
          nginx_output: ref.nginx_output,
          file: ref.file,
          line: ref.line,
          generation,
        }),
      );
      continue;
    }
    w.resolve(r.outcome);
  }
  return still;
}

/** The entities whose callers asked for verification (among the waiters a round may carry). */
export function requestedChecks(waiters: Waiter[]): Set<string> {
  return new Set(waiters.filter((w) => w.verify).flatMap((w) => w.ids));
}

/** A round that threw anyway: every caller still gets an answer, the same error. */
export function failAll(waiters: Waiter[], e: AgentError): Waiter[] {
  for (const w of waiters) w.reject(e);
  return [];
}
