// Finding the change that breaks `nginx -t` when nginx's message names no file
// of a pending entity: the groups are added one after another on top of what
// nginx serves, and a binary search finds the first one that makes it fail.
import { AgentError, asAgentError } from "../errors.ts";
import type { MappedError } from "./error-map.ts";
import type { RoundPlan } from "./plan.ts";

/** One `nginx -t` of a bisection, with its output as the caller sees it. */
export interface Trial {
  ok: boolean;
  output: string;
  mapped: MappedError;
}

/** The group a failure is blamed on, with the output and location shown to its caller. */
export interface Culprit {
  group: string;
  output: string;
  mapped: MappedError;
}

/**
 * `trial(k)` tests the candidate with only the first `k` of `count` groups.
 * Returns the index of the first group that fails with the trial that showed
 * it, or null when the configuration fails even without any group (or passes
 * with all of them: the failure was not theirs). Trials run in order 0, count,
 * then halves; a trial that throws ends the search with its error.
 */
export async function bisect<T extends { ok: boolean }>(
  count: number,
  trial: (k: number) => Promise<T>,
): Promise<{ index: number; trial: T } | null> {
  if (!(await trial(0)).ok) return null;
  let lo = 0;
  let hi = count;
  let failing = await trial(hi);
  if (failing.ok) return null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const t = await trial(mid);
    if (t.ok) lo = mid;
    else {
      hi = mid;
      failing = t;
    }
  }
  return { index: hi - 1, trial: failing };
}

/**
 * The round's bisection step: the remaining group that makes `nginx -t` fail
 * (`mapped` and `output` are the failure of the whole candidate). Throws the
 * error the round fails with when no group is to blame, or when a trial fails
 * (joined to the `nginx -t` failure that started the search).
 */
export async function findCulprit(
  plan: RoundPlan,
  mapped: MappedError,
  output: string,
  trial: (k: number, order: string[]) => Promise<Trial>,
): Promise<Culprit> {
  const order = [...plan.remaining];
  let found;
  try {
    found = await bisect(order.length, (k) => trial(k, order));
  } catch (e) {
    const err = asAgentError(e);
    throw new AgentError(
      err.code,
      `nginx -t failed: ${mapped.message}; additionally, bisecting the pending changes: ${err.message}`,
      { nginx_output: output },
    );
  }
  if (!found) {
    throw new AgentError(
      "NGINX_TEST_FAILED",
      `nginx -t fails even without the pending changes (they stay pending): ${mapped.message}`,
      { nginx_output: output },
    );
  }
  return { group: order[found.index], output: found.trial.output, mapped: found.trial.mapped };
}
