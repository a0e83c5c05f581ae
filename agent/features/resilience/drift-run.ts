// Runs a drift check for a runtime: under the reconciler's lock (so a
// generation being written is never mistaken for drift), keeping the report for
// GET /api/config/status, and recording each new problem in the audit log once.
import { checkDrift, driftKeys, type DriftReport, NGINX_DOWN } from "../../nginx/drift.ts";
import { appendAudit } from "../../store/audit.ts";
import { expectedTextProvider } from "./expected.ts";
import { stateOf } from "./state.ts";
import type { ResilienceRuntime } from "./settings.ts";

const KNOWN_KEY = ["drift_known"];

export async function runDriftCheck(
  rt: ResilienceRuntime,
  opts: { audit?: boolean } = {},
): Promise<DriftReport> {
  const report = await rt.reconciler.exclusive(() =>
    checkDrift({
      generations: rt.generations,
      nginx: rt.nginx,
      settings: rt.settings,
      expectedText: expectedTextProvider(rt),
      kinds: rt.kinds,
    })
  );
  stateOf(rt).drift = report;
  if (opts.audit !== false) await recordNew(rt, report);
  return report;
}

/** Audit entries for problems that appeared or went away since the last check. */
async function recordNew(rt: ResilienceRuntime, report: DriftReport): Promise<void> {
  const kv = rt.store.kv;
  const known = new Set((await kv.get<string[]>(KNOWN_KEY)).value ?? []);
  const now = driftKeys(report);
  const at = report.checked_at;
  for (const [key, p] of now) {
    if (known.has(key)) continue;
    const f = report.files.find((x) => p.kind === "file" && x.file === p.name);
    await appendAudit(kv, {
      at,
      actor: "drift",
      action: "drift.detected",
      entity: { kind: p.kind, name: p.name },
      before: null,
      after: null,
      outcome: "reported",
      message: p.message,
      generation: report.generation,
      detail: f
        ? {
          status: f.status,
          path: f.path,
          expected_sha256: f.expected_sha256,
          actual_sha256: f.actual_sha256,
          diff: f.diff,
        }
        : {},
    });
  }
  for (const key of known) {
    if (now.has(key)) continue;
    const [kind, name] = key.startsWith("file:")
      ? ["file", key.slice(5, key.indexOf(":", 5))]
      : key === "state-file"
      ? ["state", "agent.kv"]
      : ["nginx", key === "include" ? "include" : "process"];
    await appendAudit(kv, {
      at,
      actor: "drift",
      action: "drift.resolved",
      entity: { kind, name },
      before: null,
      after: null,
      outcome: "resolved",
      message: `no longer reported: ${key}`,
      generation: report.generation,
    });
  }
  await kv.set(KNOWN_KEY, [...now.keys()]);
}

/**
 * The last drift check's issues that still stand for /api/health. Whether nginx
 * runs is the core's live reason: the check's copy goes stale (under the
 * supervisor the first check runs before nginx has started).
 */
export function liveDriftIssues(d: DriftReport | null): string[] {
  return (d?.issues ?? []).filter((i) => i !== NGINX_DOWN);
}
