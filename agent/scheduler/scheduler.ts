// A tiny job runner for background work under `agent serve` (drift checks,
// backups, and whatever later features schedule). Each job runs at most once at
// a time: the next run is timed from the end of the previous one, so a slow run
// never piles up behind itself. A failing run is logged and retried at the next
// interval. A job whose work is the fleet's (`oncePerFleet`: it writes the
// shared desired state) runs on a timer only where the gate lets it (the
// fleet's controller); elsewhere each timed run is skipped, checked again
// every second so a new controller takes over at once.

export interface JobStatus {
  name: string;
  interval_s: number;
  runs: number;
  /** Runs that failed since start. */
  failures: number;
  running: boolean;
  last_started_at: string | null;
  last_duration_ms: number | null;
  /** ok, failed, or null before the first run. */
  last_outcome: "ok" | "failed" | null;
  last_error: string | null;
  next_at: string | null;
  /** Runs once per fleet: only on the fleet's controller. */
  once_per_fleet: boolean;
  /** Why timed runs are skipped on this node now (not the controller), else null. */
  skipped: string | null;
}

/** Why this node does not run the fleet's once-per-fleet jobs now, or null when it does. */
export type FleetGate = () => string | null;

const GATE_RECHECK_MS = 1000;

interface Job {
  name: string;
  intervalMs: number;
  fn: () => Promise<void>;
  firstAfterSeconds?: number;
  oncePerFleet: boolean;
  timer?: ReturnType<typeof setTimeout>;
  running: Promise<void> | null;
  status: JobStatus;
}

export class Scheduler {
  readonly #jobs = new Map<string, Job>();
  readonly #log: (msg: string) => void;
  #started = false;
  #stopped = false;
  #gate: FleetGate = () => null;

  constructor(log: (msg: string) => void = () => {}) {
    this.#log = log;
  }

  /**
   * Adds a job run every `intervalSeconds` (0 or less: never on a timer, only by
   * runNow). `firstAfterSeconds` delays the first run (default: one interval).
   */
  every(
    name: string,
    intervalSeconds: number,
    fn: () => Promise<void>,
    opts: { firstAfterSeconds?: number; oncePerFleet?: boolean } = {},
  ): void {
    if (this.#jobs.has(name)) throw new Error(`scheduler: job ${name} already exists`);
    const job: Job = {
      name,
      intervalMs: Math.max(0, intervalSeconds * 1000),
      fn,
      firstAfterSeconds: opts.firstAfterSeconds,
      oncePerFleet: opts.oncePerFleet ?? false,
      running: null,
      status: {
        name,
        interval_s: intervalSeconds,
        runs: 0,
        failures: 0,
        running: false,
        last_started_at: null,
        last_duration_ms: null,
        last_outcome: null,
        last_error: null,
        next_at: null,
        once_per_fleet: opts.oncePerFleet ?? false,
        skipped: null,
      },
    };
    this.#jobs.set(name, job);
    if (this.#started) this.#arm(job, job.firstAfterSeconds);
  }

  /** Decides where once-per-fleet jobs run (the fleet feature; default: here). */
  setGate(gate: FleetGate): void {
    this.#gate = gate;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const job of this.#jobs.values()) this.#arm(job, job.firstAfterSeconds);
  }

  #arm(job: Job, afterSeconds?: number) {
    if (this.#stopped || job.intervalMs <= 0) return;
    const delay = afterSeconds !== undefined ? afterSeconds * 1000 : job.intervalMs;
    job.status.next_at = new Date(Date.now() + delay).toISOString();
    job.timer = setTimeout(() => {
      job.timer = undefined;
      const skip = job.oncePerFleet ? this.#gate() : null;
      job.status.skipped = skip;
      if (skip) return this.#arm(job, Math.min(job.intervalMs, GATE_RECHECK_MS) / 1000);
      this.#run(job).finally(() => this.#arm(job));
    }, delay);
  }

  /** Runs a job now (waiting for a run in progress instead of overlapping it); never gated. */
  async runNow(name: string): Promise<void> {
    const job = this.#jobs.get(name);
    if (!job) throw new Error(`scheduler: no job ${name}`);
    if (job.running) await job.running;
    await this.#run(job);
  }

  #run(job: Job): Promise<void> {
    if (job.running) return job.running;
    const started = performance.now();
    job.status.running = true;
    job.status.last_started_at = new Date().toISOString();
    job.running = (async () => {
      try {
        await job.fn();
        job.status.last_error = null;
        job.status.last_outcome = "ok";
      } catch (e) {
        job.status.last_outcome = "failed";
        job.status.failures++;
        job.status.last_error = e instanceof Error ? e.message : String(e);
        this.#log(`job ${job.name} failed: ${job.status.last_error}`);
      } finally {
        job.status.runs++;
        job.status.running = false;
        job.status.last_duration_ms = Math.round(performance.now() - started);
        job.running = null;
      }
    })();
    return job.running;
  }

  status(): JobStatus[] {
    return [...this.#jobs.values()].map((j) => ({ ...j.status }));
  }

  /** Cancels future runs and waits for runs in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const job of this.#jobs.values()) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = undefined;
      job.status.next_at = null;
    }
    await Promise.all([...this.#jobs.values()].map((j) => j.running ?? Promise.resolve()));
  }
}
