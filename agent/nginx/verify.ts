// The round's last step: the features' checks through nginx once it loaded the
// candidate. A failing entity's group is refused, so the round loads a new
// generation without it; every verdict is kept for the outcome (`verified`).
import type { ErrorCode } from "../errors.ts";
import type { Verified, Verifier } from "./outcome.ts";
import type { RoundPlan } from "./plan.ts";

/**
 * Runs every verifier on the remaining groups. `failed`: some verifier reported
 * a failure; `refused`: a remaining group was refused for it. A verifier that
 * throws is logged and counts as no verdict (nginx already serves the change).
 */
export async function verify(
  verifiers: Verifier[],
  plan: RoundPlan,
  verified: Map<string, Verified>,
  log?: (msg: string) => void,
  requested: ReadonlySet<string> = new Set(),
): Promise<{ failed: boolean; refused: boolean }> {
  const changed = [...plan.remaining];
  const failures: {
    id: string;
    code: ErrorCode;
    message: string;
    detail?: Record<string, unknown>;
  }[] = [];
  for (const v of verifiers) {
    let verdicts;
    try {
      verdicts = await v.verify(changed, plan.state, requested);
    } catch (e) {
      log?.(`verifier ${v.name} failed: ${e}`);
      continue;
    }
    for (const x of verdicts) {
      const detail = x.detail ? { detail: x.detail } : {};
      const entry: Verified = x.ok === true
        ? {
          id: x.id,
          verifier: v.name,
          ok: true,
          ...(x.message ? { message: x.message } : {}),
          ...detail,
        }
        : { id: x.id, verifier: v.name, ok: false, code: x.code, message: x.message, ...detail };
      // The last verdict per entity and verifier counts (a rollback verifies the rest again).
      verified.set(`${v.name}\n${x.id}`, entry);
      if (x.ok !== true) failures.push(x);
    }
  }
  let refused = false;
  for (const f of failures) {
    const g = plan.owner(f.id);
    if (!plan.remaining.has(g)) continue;
    plan.refuse(g, { code: f.code, message: f.message, ...(f.detail ? { detail: f.detail } : {}) });
    refused = true;
  }
  return { failed: failures.length > 0, refused };
}
