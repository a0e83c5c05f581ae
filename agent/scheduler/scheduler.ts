// A tiny job runner for background work under `agent serve` (drift checks,
// backups, and whatever later features schedule). Each job runs at most once at
// a time: the next run is timed from the end of the previous one, so a slow run
// never piles up behind itself. A failing run is logged and retried at the next
// interval.

export interface JobStatus {
  name: string;
  interval_s: number;
  runs: number;
  running: boolean;
  last_started_at: string | null;
  last_duration_ms: number | null;
  last_error: string | null;
  next_at: string | null;
}

interface Job {
  name: string;
  intervalMs: number;
  fn: () => Promise<void>;
  firstAfterSeconds?: number;
  timer?: ReturnType<typeof setTimeout>;
  running: Promise<void> | null;
  status: JobStatus;
}

export class Scheduler {
  readonly #jobs = new Map<string, Job>();
  readonly #log: (msg: string) => void;
  #started = false;
  #stopped = false;

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
    opts: { firstAfterSeconds?: number } = {},
  ): void {
    if (this.#jobs.has(name)) throw new Error(`scheduler: job ${name} already exists`);
    const job: Job = {
      name,
      intervalMs: Math.max(0, intervalSeconds * 1000),
      fn,
      firstAfterSeconds: opts.firstAfterSeconds,
      running: null,
      status: {
        name,
        interval_s: intervalSeconds,
        runs: 0,
        running: false,
        last_started_at: null,
        last_duration_ms: null,
        last_error: null,
        next_at: null,
      },
    };
    this.#jobs.set(name, job);
    if (this.#started) this.#arm(job, job.firstAfterSeconds);
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
      this.#run(job).finally(() => this.#arm(job));
    }, delay);
  }

  /** Runs a job now (waiting for a run in progress instead of overlapping it). */
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
      } catch (e) {
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
