// The health monitor of one agent: every member's state, the probe queue and
// its bounded workers. One pass (`pass`, the "health-checks" job) queues the
// members whose interval elapsed, waits for their probes up to a budget, then
// decides ejections. A probe still running at the end of a pass (a member that
// accepts and never answers) keeps its slot until its timeout and is skipped by
// later passes: it never delays the others' checks.
import { serviceKey } from "../../runtime.ts";
import { type ProbeResult, PROBES } from "./probe.ts";
import type { Target } from "./targets.ts";

export type MemberHealth = "healthy" | "unhealthy" | "ejected" | "unknown";

export interface MemberState {
  target: Target;
  /** Crossed `fall` and has not passed `rise` since; null before any result. */
  failing: boolean | null;
  okStreak: number;
  failStreak: number;
  checks: number;
  lastCheckAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  latencyMs: number | null;
  transitions: number;
  lastTransitionAt: string | null;
  nextDue: number;
  busy: boolean;
}

export interface PassInfo {
  at: string;
  duration_ms: number;
  probed: number;
  /** Members whose previous probe was still running (skipped this pass). */
  still_running: number;
}

/** Half the job's usual tick (1 s). */
const SLACK_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Monitor {
  readonly members = new Map<string, MemberState>();
  /** Results by outcome since start (metrics). */
  readonly checks = { ok: 0, failed: 0 };
  /** Ejections by pool since start (metrics). */
  readonly ejections = new Map<string, number>();
  lastPass: PassInfo | null = null;
  /** The apply an ejection change asked for (tests and the bench wait on it). */
  lastApply: Promise<unknown> | null = null;
  readonly #queue: MemberState[] = [];
  #workers = 0;
  readonly #limit: () => number;
  readonly #client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  readonly #now: () => number;

  constructor(limit: () => number, now: () => number = () => Date.now()) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Keeps the member table in step with the targets; ejected ones start failing. */
  sync(targets: Target[], ejected: Set<string>): void {
    const ids = new Set(targets.map((t) => t.id));
    for (const id of this.members.keys()) if (!ids.has(id)) this.members.delete(id);
    for (const t of targets) {
      const m = this.members.get(t.id);
      if (m) {
        m.target = t;
        continue;
      }
      const wasEjected = ejected.has(t.id);
      this.members.set(t.id, {
        target: t,
        failing: wasEjected ? true : null,
        okStreak: 0,
        failStreak: 0,
        checks: 0,
        lastCheckAt: null,
        lastStatus: null,
        lastError: wasEjected ? "ejected before the agent restarted" : null,
        latencyMs: null,
        transitions: 0,
        lastTransitionAt: null,
        nextDue: 0,
        busy: false,
      });
    }
  }

  /** Probes every due member, waiting at most `budgetMs` for them. */
  async probeDue(budgetMs: number): Promise<{ probed: number; stillRunning: number }> {
    const now = this.#now();
    const due: MemberState[] = [];
    let stillRunning = 0;
    for (const m of this.members.values()) {
      if (m.busy) {
        stillRunning++;
        continue;
      }
      // Due within half a pass: taken now, so the cadence averages the interval exactly.
      const iv = m.target.check.intervalMs;
      const slack = Math.min(SLACK_MS, iv / 2);
      if (m.nextDue > now + slack) continue;
      m.busy = true;
      m.nextDue = (now - m.nextDue < iv ? Math.max(m.nextDue, now - slack) : now) + iv;
      due.push(m);
    }
    const done = due.map((m) =>
      new Promise<void>((resolve) => {
        this.#queue.push(Object.assign(m, { resolve }));
      })
    );
    this.#spawn();
    await Promise.race([Promise.all(done), sleep(budgetMs)]);
    return { probed: due.length, stillRunning };
  }

  #spawn() {
    while (this.#workers < this.#limit() && this.#queue.length) {
      this.#workers++;
      this.#work().finally(() => this.#workers--);
    }
  }

  async #work() {
    while (this.#queue.length) {
      const m = this.#queue.shift()! as MemberState & { resolve?: () => void };
      const probe = PROBES[m.target.probe] ?? PROBES.http;
      let r: ProbeResult;
      try {
        r = await probe(m.target, this.#client);
      } catch (e) {
        r = { ok: false, status: null, error: String(e), ms: 0 };
      }
      this.record(m, r);
      m.busy = false;
      m.resolve?.();
      delete m.resolve;
    }
  }

  /** One result: streaks, and the rise/fall crossings. */
  record(m: MemberState, r: ProbeResult): void {
    m.checks++;
    m.lastCheckAt = new Date(this.#now()).toISOString();
    m.lastStatus = r.status;
    m.latencyMs = r.ms;
    const before = m.failing;
    if (r.ok) {
      this.checks.ok++;
      m.okStreak++;
      m.failStreak = 0;
      m.lastError = null;
      if (m.failing === null || (m.failing && m.okStreak >= m.target.check.rise)) m.failing = false;
    } else {
      this.checks.failed++;
      m.failStreak++;
      m.okStreak = 0;
      m.lastError = r.error ?? "failed";
      if (!m.failing && m.failStreak >= m.target.check.fall) m.failing = true;
    }
    if (before !== m.failing && before !== null) {
      m.transitions++;
      m.lastTransitionAt = m.lastCheckAt;
    }
  }

  close(): void {
    this.#client.close();
  }
}

export const HEALTH = serviceKey<Monitor>("health-monitor");
