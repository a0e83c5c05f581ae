// The migration engine: runs at most migration_max_parallel migrations, each a
// loop over its persisted phase (so a restart resumes where it was, D17), with
// one AbortController per run for cancel and shutdown. rclone runs through the
// agent's exec wrapper; the barrier is injected (this host's, or the fleet's
// multi-node one) and the engine does not change with it. In a fleet only the
// controller runs migrations: pause() stops every run without writing when it
// loses the lead, resume() lets kick() start them again (runner.ts).
import { AgentError, asAgentError } from "../../errors.ts";
import { serviceKey } from "../../runtime.ts";
import { DEFAULT_REGION } from "../../kinds/pool/schema.ts";
import { clientForPool, nanioPool, poolCredentials } from "../storage/mod.ts";
import { type Barrier, SingleHostBarrier } from "./barrier.ts";
import { isTerminal } from "./kind.ts";
import { getMigration, listMigrations, type MigrationRec, save, sidecarDir } from "./records.ts";
import { Rclone, type Remote, stopLeftover } from "./rclone.ts";
import { abortToSource, endBeforeSplit } from "./abort.ts";
import {
  Cancelled,
  copying,
  type Ctx,
  finishSwitch,
  type Progress,
  waitBarrier,
  writeRouting,
} from "./phases.ts";
import { verifying } from "./verify.ts";
import { dropListings } from "./listings.ts";
import type { MigrationRuntime } from "./settings.ts";

export const MIGRATIONS = serviceKey<MigrationEngine>("migrations-engine");

interface Running {
  ac: AbortController;
  /** Aborted for a cancel already (a cancel made on another node is seen by kick()). */
  cancelSeen?: boolean;
  done: Promise<void>;
  progress: Progress;
}

export function newProgress(phase: string): Progress {
  return {
    phase,
    pass: 0,
    bytes: 0,
    total_bytes: 0,
    objects: 0,
    total_objects: 0,
    rate: 0,
    eta: null,
    waiting_for: [],
  };
}

export class MigrationEngine {
  readonly #running = new Map<string, Running>();
  #stopped = false;
  #paused = false;
  constructor(
    private rt: MigrationRuntime,
    readonly barrier: Barrier = new SingleHostBarrier(
      rt.nginx,
      () => rt.reconciler.currentGeneration,
    ),
    /** Whether this agent may run migrations now (a fleet: it is the controller). */
    private mayRun: () => boolean = () => true,
  ) {}

  /** Runs nothing now (this node no longer leads the fleet): every run stops, nothing written. */
  async pause(): Promise<void> {
    this.#paused = true;
    const runs = [...this.#running.values()];
    for (const r of runs) r.ac.abort();
    await Promise.all(runs.map((r) => r.done));
  }

  /** kick() starts migrations again (this node leads the fleet). */
  resume(): void {
    this.#paused = false;
  }

  get running(): string[] {
    return [...this.#running.keys()];
  }

  #halted(): boolean {
    return this.#stopped || this.#paused || !this.mayRun();
  }

  progress(id: string): Progress | null {
    return this.#running.get(id)?.progress ?? null;
  }

  /** Starts the non-terminal migrations that fit in migration_max_parallel (oldest first). */
  async kick(): Promise<void> {
    if (this.#halted()) return;
    const all = (await listMigrations(this.rt)).filter((m) => !isTerminal(m.phase)).reverse();
    for (const m of all) {
      const run = this.#running.get(m.name);
      if (run && m.cancel && !run.cancelSeen) {
        // cancelled through another node's API: the record says so, the run learns it here
        run.cancelSeen = true;
        run.ac.abort();
      }
      if (run) continue;
      if (this.#running.size >= this.rt.settings.migration_max_parallel) break;
      this.#start(m.name);
    }
  }

  #start(id: string) {
    const ac = new AbortController();
    const r: Running = { ac, progress: newProgress("pending"), done: Promise.resolve() };
    this.#running.set(id, r);
    r.done = this.#run(id, r).catch((e) => this.rt.log(`migration ${id}: ${e}`)).finally(() => {
      this.#running.delete(id);
      this.kick().catch(() => {});
    });
  }

  async #remotes(m: MigrationRec): Promise<Remote[]> {
    const out: Remote[] = [];
    for (const [name, pool] of [["SRC", m.src], ["DST", m.dst]] as const) {
      const p = await nanioPool(this.rt, pool);
      const c = await clientForPool(this.rt, pool); // a member that answered a probe (D18)
      const k = await poolCredentials(this.rt, p);
      out.push({
        name,
        endpoint: c.endpoint,
        region: p.region ?? DEFAULT_REGION,
        accessKey: k.accessKey,
        secretKey: k.secretKey,
      });
    }
    return out;
  }

  async #run(id: string, r: Running): Promise<void> {
    let m = await getMigration(this.rt, id);
    const s = this.rt.settings;
    const pidFile = `${sidecarDir(this.rt)}/${id}.rclone.pid`;
    await Deno.mkdir(sidecarDir(this.rt), { recursive: true });
    const left = await stopLeftover(pidFile);
    if (left !== null) {
      m = (await save(this.rt, m, {}, {
        action: "migration.phase",
        line: `stopped rclone (pid ${left}) left running by the agent before this one`,
      })).m;
    }
    // A hold left by the agent before this one guarded a copy that is gone (its
    // rclone died with it, or was stopped just above): release it now, not after
    // this agent's first listings, so writes to those keys wait only the restart.
    if (["verifying", "aborting"].includes(m.phase) && (m.held?.length || m.hold_all)) {
      m = (await save(this.rt, m, { held: [], hold_all: false }, {
        action: "migration.phase",
        line: `released the hold on ${
          m.hold_all ? "every key" : `${m.held!.length} key(s)`
        } left by the agent before this one (its copy is gone)`,
        apply: true,
      })).m;
    }
    const cx: Ctx = {
      rt: this.rt,
      barrier: this.barrier,
      signal: r.ac.signal,
      progress: r.progress,
      rclone: new Rclone(this.rt.exec, s.rclone_path, await this.#remotes(m), {
        checkers: s.migration_checkers,
        transfers: s.migration_transfers,
        bwlimit: s.migration_bandwidth_limit,
        statsSeconds: 1,
      }, pidFile),
    };
    // Resuming after the split: nginx must serve what the persisted phase says
    // (after a rebuild-db the records may not be applied yet). Idempotent.
    if (["write_routing", "verifying", "switching", "aborting"].includes(m.phase)) {
      const a = await this.rt.reconciler.applyNow();
      if (a.status === "failed") {
        throw new AgentError(
          a.error?.code ?? "NGINX_RELOAD_FAILED",
          `resuming ${id}: ${a.error?.message}`,
        );
      }
      // ...and no worker of an older generation may still write to the source: shown as
      // waiting_for; not passed, the run ends here and the next kick resumes it again (a
      // fleet's node that never reports is waited for, never skipped, until it is fenced).
      try {
        await waitBarrier(cx, this.rt.reconciler.currentGeneration ?? 0, "resuming");
      } catch (e) {
        if (this.#halted()) return; // stopped while it waited: nothing written
        throw e;
      }
    }
    while (!isTerminal(m.phase)) {
      if (this.#halted()) return; // the persisted phase resumes on the next runner
      r.progress.phase = m.phase;
      try {
        if (m.cancel && m.phase !== "aborting" && m.phase !== "switching") {
          m = m.phase === "pending" || m.phase === "copying"
            ? await endBeforeSplit(
              cx,
              m,
              "cancelled before the split: the source route was never changed",
            )
            : await abortToSource(cx, m);
          continue;
        }
        switch (m.phase) {
          case "pending":
            m = (await save(this.rt, m, { phase: "copying" }, {
              action: "migration.phase",
              line: `copying ${m.bucket} from ${m.src} to ${m.dst} (${m.mode})`,
            })).m;
            break;
          case "copying": // a restart begins the pass again (copies are idempotent)
            m = await copying(cx, m);
            break;
          case "write_routing":
            m = await writeRouting(cx, m);
            break;
          case "verifying":
            m = await verifying(cx, m);
            break;
          case "switching":
            m = await finishSwitch(cx, m);
            break;
          case "aborting":
            m = await abortToSource(cx, m);
            break;
        }
      } catch (e) {
        if (this.#halted()) return; // shutdown or lead lost: the persisted phase resumes later
        const fresh = await getMigration(this.rt, id);
        if (e instanceof Cancelled || (r.ac.signal.aborted && fresh.cancel)) {
          r.ac = new AbortController();
          cx.signal = r.ac.signal;
          m = fresh;
          continue;
        }
        const msg = asAgentError(e).message;
        if (fresh.phase === "write_routing" || fresh.phase === "verifying") {
          // After the split an error aborts to the source: client writes are copied back.
          m = (await save(this.rt, fresh, { error: msg }, {
            action: "migration.error",
            line: `error: ${msg}; aborting to the source`,
          })).m;
          m = await abortToSource(cx, m);
          continue;
        }
        if (fresh.phase === "pending" || fresh.phase === "copying") {
          m = await endBeforeSplit(cx, { ...fresh, error: msg }, `error: ${msg}`);
          continue;
        }
        // switching / aborting: the routing is already what the phase says; retry shortly.
        m = (await save(this.rt, fresh, { error: msg }, {
          action: "migration.error",
          line: `error in ${fresh.phase}: ${msg}; retrying in 5 s`,
        })).m;
        await new Promise((res) => setTimeout(res, 5000));
        if (this.#halted()) return;
      }
    }
    r.progress.phase = m.phase;
    await dropListings(this.rt, m).catch(() => {}); // (etcd out of reach: a few stale keys)
  }

  /** Cancel: persisted first, so a restart honours it too. */
  async cancel(id: string, force: boolean, actor: string): Promise<MigrationRec> {
    const m = await getMigration(this.rt, id);
    if (isTerminal(m.phase)) {
      throw new AgentError("CONFLICT", `migration ${id} is already ${m.phase}`, { phase: m.phase });
    }
    if (m.phase === "switching") {
      throw new AgentError(
        "CONFLICT",
        `migration ${id} is switching: the switch is committed and ends done`,
        { phase: m.phase },
      );
    }
    const saved = (await save(this.rt, m, {
      cancel: { force, at: this.rt.store.now().toISOString() },
    }, {
      action: "migration.cancel",
      line: `cancel requested${force ? " (force)" : ""}`,
      actor,
    })).m;
    const run = this.#running.get(id);
    if (run) {
      run.cancelSeen = true;
      run.ac.abort();
    } else await this.kick();
    return saved;
  }

  /** Stops every run without changing state (shutdown); the phases resume on the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const runs = [...this.#running.values()];
    for (const r of runs) r.ac.abort();
    await Promise.all(runs.map((r) => r.done));
  }

  /** Waits until no migration runs (tests, the bench). */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.all([...this.#running.values()].map((r) => r.done));
  }
}
