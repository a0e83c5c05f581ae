// The one reconciler of a host: changes land in KV first, then a round (round.ts)
// renders, proves, swaps, reloads and proves the reload; any failure leaves nginx
// on the previous generation. This file keeps the queue: rounds are debounced (a
// burst costs one reload) and each caller gets the round that carried its change.
import { asAgentError } from "../errors.ts";
import type { Rec } from "../store/store.ts";
import type { RenderedFile } from "../render/tree.ts";
import type { ReloadResult } from "./control.ts";
import type { Live, ReconcilerDeps } from "./deps.ts";
import { type ApplyOutcome, heldError, outcomeOf } from "./outcome.ts";
import { RetryTimer, transient } from "./retry.ts";
import { type PendingChange, PendingTracker } from "./pending.ts";
import { runRound } from "./round.ts";
import { RoundGate } from "./round-gate.ts";
import { retain } from "./finish.ts";
import { repairUnproven } from "./sandbox.ts";
import { repairBackup } from "./backup-repair.ts";
import { probeTarget } from "./probe.ts";
import { failAll, requestedChecks, settle, type Waiter } from "./settle.ts";
import { renderDesired, validateDesired, type Validation } from "./validate.ts";

export type { CrashStep, ReconcilerDeps, ReconcilerSettings } from "./deps.ts";
export type { ApplyOutcome, Refusal, Verdict, Verified, Verifier } from "./outcome.ts";
export { sameRecord } from "./plan.ts";

export class Reconciler {
  readonly deps: ReconcilerDeps;
  #applied = new Map<string, Rec>();
  #generation: number | null = null;
  #hash: string | null = null;
  #lastApply: ApplyOutcome | null = null;
  #lastReloadAt: string | null = null;
  #reloads = 0;
  #held: string | null = null;
  #rerender = false;
  /** Pending work after a transient failure is retried with backoff (retry.ts). */
  readonly retry = new RetryTimer();
  #pending: PendingTracker | null = null; // made at the first ask (that one compares all)
  /** When rounds start: debounced, and held for writers that belong in one round. */
  readonly gate = new RoundGate();

  #waiters: Waiter[] = [];
  /** Called with every round's outcome that did something (metrics). */
  readonly observers: ((o: ApplyOutcome) => void)[] = [];
  #loopRunning = false;
  #lastKick = 0;
  #lock: Promise<void> = Promise.resolve();

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
  }

  /** The records the current generation was rendered from (its sidecars). */
  get applied(): Map<string, Rec> {
    return this.#applied;
  }
  get currentGeneration(): number | null {
    return this.#generation;
  }
  get currentHash(): string | null {
    return this.#hash;
  }
  get lastApply(): ApplyOutcome | null {
    return this.#lastApply;
  }
  get lastReloadAt(): string | null {
    return this.#lastReloadAt;
  }
  /** Reloads nginx proved it loaded, since the agent started. */
  get reloads(): number {
    return this.#reloads;
  }

  /** The hold's message while rounds with changes are refused, else null. */
  get held(): string | null {
    return this.#held;
  }

  /** Refuses rounds with changes, and changes before they are stored, until `release`
   * (the state was lost: applying it would remove every managed site). */
  hold(reason: string): void {
    this.#held = reason;
  }

  /** Throws the hold's CONFLICT while on hold; change paths call it before they store anything. */
  assertNotHeld(): void {
    if (this.#held !== null) throw heldError(this.#held);
  }

  /** Ends the hold; returns its message (null: there was none). */
  release(): string | null {
    const was = this.#held;
    this.#held = null;
    return was;
  }

  /** Serializes rounds with other operations on generations (rollback, rewrite). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.then(() => {}, () => {});
    return run;
  }

  /** Loads the current generation, cleans up after a crash, makes sure nginx serves the
   * current one (a crash between swap and reload leaves it on the previous); warnings out. */
  async recover(): Promise<string[]> {
    return await this.exclusive(async () => {
      const warnings: string[] = [];
      const removed = await this.deps.generations.init();
      if (removed.length) {
        warnings.push(`removed ${removed.length} half-written generation(s) left by a crash`);
      }
      warnings.push(...await repairBackup(this.deps.generations)); // died before the backup
      warnings.push(...await repairUnproven(this.deps)); // died between a swap and its proof
      await this.#loadCurrent();
      const nginx = this.deps.nginx;
      if (this.#hash && !nginx.dryRun && (await nginx.masterPid()) !== null) {
        // Workers older than the last swap mean nginx never loaded the current
        // generation (the agent died between swap and reload).
        const swappedAt = (await Deno.lstat(this.deps.generations.currentLink)).mtime?.getTime() ??
          0;
        const workers = await nginx.workers();
        if (workers.length && workers.every((w) => w.startedAt < swappedAt - 20)) {
          warnings.push(`nginx had not loaded generation ${this.#generation}; reloading`);
          const ok = await this.#reload();
          if (!ok.ok) warnings.push(`reload failed: ${ok.output}`);
        }
      }
      return warnings;
    });
  }

  async #loadCurrent() {
    const g = this.deps.generations;
    const n = await g.current();
    this.#generation = n;
    if (n === null) {
      this.#applied = new Map();
      this.#hash = null;
      return;
    }
    const m = await g.manifest(n);
    this.#hash = m.config_hash;
    this.#applied = new Map([...(await g.sidecars(n))].map(([id, s]) => [id, s.record]));
  }

  /** Renders the desired state (pending changes included) without writing anything. */
  renderDesired(): Promise<{ files: RenderedFile[]; records: Map<string, Rec> }> {
    return renderDesired(this.deps);
  }

  /** `nginx -t` of the desired state in a scratch generation that is thrown away. */
  validateDesired(): Promise<Validation> {
    return validateDesired(this.deps);
  }

  /** Reloads nginx onto the current generation and proves it loaded. */
  reloadNow(): Promise<ReloadResult> {
    return this.exclusive(async () => {
      if (this.deps.nginx.dryRun) {
        return { ok: true, output: "nginx is not installed (dry-run): nothing to reload" };
      }
      return await this.#reload();
    });
  }

  /** Proven reloads are counted here, whoever asked for them. */
  async #reload(expect?: string): Promise<ReloadResult> {
    const { reload_timeout, reload_handoff } = this.deps.settings;
    const target = expect ? probeTarget(this.deps.settings) : null;
    const probe = target && expect ? { target, expect } : undefined;
    const r = await this.deps.nginx.reloadAndVerify(reload_timeout, probe, reload_handoff);
    if (r.ok) [this.#reloads, this.#lastReloadAt] = [this.#reloads + 1, new Date().toISOString()];
    return r;
  }

  /** Changes in KV that nginx does not serve yet (pending.ts: without reading every record). */
  pending(): Promise<PendingChange[]> {
    return (this.#pending ??= new PendingTracker(this.deps.store, () => this.#applied)).list();
  }

  /** After a change is committed to KV: in auto mode the outcome of the apply that carried
   * it (or its refusal); in manual mode at once, with status "pending". */
  submit(ids: string[], opts: { verify?: boolean } = {}): Promise<ApplyOutcome> {
    if (this.deps.settings.apply_mode === "manual") {
      return Promise.resolve(
        outcomeOf("pending", { generation: this.#generation, hash: this.#hash }, {
          warnings: ["apply_mode is manual: POST /api/config/apply to apply"],
        }),
      );
    }
    return this.#enqueue(ids, opts.verify);
  }

  /** Applies whatever is pending, whatever the mode. */
  applyNow(): Promise<ApplyOutcome> {
    return this.#enqueue([]);
  }

  /**
   * Applies when the whole tree renders differently from what nginx serves
   * although no record changed: settings (ports, paths) or templates changed
   * while the agent was stopped. Called once at start.
   */
  rerender(): Promise<ApplyOutcome> {
    this.#rerender = true;
    return this.#enqueue([]);
  }

  #enqueue(ids: string[], verify = false): Promise<ApplyOutcome> {
    return this.gate.submitted(
      new Promise<ApplyOutcome>((resolve, reject) => {
        this.#waiters.push({ seq: this.deps.store.seq, ids, verify, resolve, reject });
        // Reload-free upstreams: a change of members only is live before its round.
        this.deps.peers?.queue(ids, this, this.deps.store);
        this.#kick();
      }),
    );
  }

  #kick() {
    this.#lastKick = performance.now();
    if (this.#loopRunning) return;
    this.#loopRunning = true;
    this.#loop().finally(() => {
      this.#loopRunning = false;
      if (this.#waiters.length) this.#kick();
    });
  }

  async #loop() {
    while (this.#waiters.length) {
      const { coalesce_ms, coalesce_max_ms } = this.deps.settings;
      await this.gate.debounce(
        () => this.#lastKick,
        coalesce_ms,
        coalesce_max_ms ?? 1000,
        () => this.deps.store.writing,
      );
      try {
        const r = await this.exclusive(() => {
          const rerender = this.#rerender;
          this.#rerender = false;
          return runRound(this.deps, this.#live(), rerender, requestedChecks(this.#waiters));
        });
        if (r.outcome.status !== "unchanged") {
          this.#lastApply = r.outcome;
          for (const o of this.observers) o(r.outcome);
        }
        // The retry is scheduled before the callers are answered: a status read right
        // after a failed apply's answer shows it (CI read `retry: null` in between).
        if (!transient(r.fatal)) this.retry.reset();
        else if ((await this.pending()).length) {
          this.retry.schedule(r.fatal!.message, () => this.applyNow().catch(() => {}));
        }
        this.#waiters = settle(this.#waiters, r, this.#generation);
        if (r.protect) await this.exclusive(() => retain(this.deps, r.protect!)); // answered first
      } catch (e) {
        // A round answers through `finish`; this is the last resort (reading the
        // state or finish itself failed): every caller still gets an AgentError.
        const err = asAgentError(e);
        this.deps.log?.(`apply failed: ${err.message}`);
        this.#waiters = failAll(this.#waiters, err);
      }
    }
  }

  /** What a round sees of this reconciler and may change. */
  #live(): Live {
    // deno-lint-ignore no-this-alias
    const self = this;
    return {
      get generation() {
        return self.#generation;
      },
      get hash() {
        return self.#hash;
      },
      get applied() {
        return self.#applied;
      },
      get held() {
        return self.#held;
      },
      installed(generation, hash, applied, from) {
        self.#generation = generation;
        self.#hash = hash;
        self.#applied = applied;
        self.#pending?.installed(applied, from);
        // Written to disk and loaded: the transient cause is gone, and the pending
        // count just went to 0 (a status read before the round's end must agree).
        self.retry.reset();
      },
      reload: (expect) => this.#reload(expect),
    };
  }
}
