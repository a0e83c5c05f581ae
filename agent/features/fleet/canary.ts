// The canary's driver (`agent apply FILE --canary NODE`, sent to NODE's API).
// start: the marker goes in (compare: no canary runs, the generation is the
// one read), then the write runs here as usual, so this node applies it at
// once while the others hold at the base (agent/fleet/canary.ts). Then this
// node watches itself: its round ok and its health checks passing (no health
// target failing that was not failing at the start, none unknown) for
// canary_hold seconds promote it (the others apply it); a failed round or a
// failing target aborts it: the desired records go back to the base in one
// generation, so this node rolls back and the others never serve it. Every
// start, promotion and abort is audited on the node that made it.
import { AgentError } from "../../errors.ts";
import { appendAudit } from "../../store/audit.ts";
import { commitDesired, readGeneration } from "../../fleet/desired.ts";
import { type Etcd, If, op } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";
import {
  baseReadRevision,
  type Canary,
  type CanaryOutcome,
  type CanaryService,
  type CanaryView,
  parseCanary,
  revertOps,
} from "../../fleet/canary.ts";
import { HEALTH } from "../health/monitor.ts";
import { memberViews } from "../health/views.ts";
import type { HealthRuntime } from "../health/settings.ts";
import type { Follower } from "./follower.ts";
import { mirrorAt } from "./mirror.ts";
import type { FleetRuntime as Runtime } from "./settings.ts";

/** The health targets failing now (id -> why) and those not checked yet; off: no checks run. */
async function healthNow(
  rt: Runtime,
): Promise<{ off: boolean; failing: Map<string, string>; unknown: string[] }> {
  const failing = new Map<string, string>();
  const unknown: string[] = [];
  const hrt = rt as unknown as HealthRuntime;
  if (!rt.tryUse(HEALTH) || !hrt.settings.health_tick) return { off: true, failing, unknown };
  for (const v of await memberViews(hrt)) {
    if (v.operator_down) continue;
    const id = `${v.source}/${v.pool}/${v.address}`;
    if (v.status === "unknown") unknown.push(id);
    else if (v.status !== "healthy") {
      failing.set(
        id,
        `${v.source} ${v.pool}: member ${v.address} is ${v.status} (${
          v.last_error ?? "failed its checks"
        })`,
      );
    }
  }
  return { off: false, failing, unknown };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** A write that never got its generation into the marker (the request died) is given up. */
const LANDING_MS = 120_000;
/** A canary whose node has had no status this long is aborted by the controller. */
const ORPHAN_MS = 10_000;

export class CanaryDriver implements CanaryService {
  readonly #ctl = new AbortController();
  #running: Promise<void> | null = null;
  /** The generation being held healthy, and since when (this node's own clock). */
  #phase: { generation: number; since: number | null } | null = null;
  #failing = false;
  /** Since when the controller has seen another node's canary without its node's status. */
  #orphan: { id: string; since: number; checked: number } | null = null;

  constructor(
    readonly rt: Runtime,
    readonly etcd: Etcd,
    readonly keys: FleetKeys,
    readonly node: string,
    readonly view: CanaryView,
    readonly fleet: { follower(): Follower | null; leading(): boolean },
  ) {}

  async #audit(action: string, c: Canary, actor: string, outcome: string, message: string) {
    await appendAudit(this.rt.store.kv, {
      at: new Date().toISOString(),
      actor,
      action,
      entity: { kind: "canary", name: c.id },
      before: null,
      after: null,
      outcome,
      message,
      generation: this.rt.reconciler.currentGeneration,
      detail: { node: c.node, base_generation: c.base_generation, generation: c.generation },
    }).catch(() => {});
  }

  /** The running marker and its mod revision, read from etcd (CONFLICT when none runs). */
  async #current(): Promise<{ c: Canary; mod: number }> {
    const kv = await this.etcd.get(this.keys.canary);
    const c = parseCanary(kv);
    this.view.setKv(kv);
    if (!c || c.state !== "running") {
      throw new AgentError("CONFLICT", "no canary is running", { canary: c?.id ?? null });
    }
    return { c, mod: kv!.modRevision };
  }

  /** Puts the marker if it is still at `mod`; false when it moved (promoted, aborted). */
  async #put(c: Canary, mod: number, extra = [] as ReturnType<typeof If.mod>[]) {
    const t = await this.etcd.txn({
      compare: [If.mod(this.keys.canary, "==", mod), ...extra],
      success: [op.put(this.keys.canary, JSON.stringify(c))],
      failure: [],
    });
    if (t.succeeded) this.view.set(c, t.revision);
    return t.succeeded;
  }

  async run<T>(
    node: string,
    actor: string,
    write: () => Promise<T>,
    judge: (r: T) => CanaryOutcome,
  ): Promise<{ result: T; canary: Canary }> {
    if (node !== this.node) {
      throw new AgentError(
        "CONFLICT",
        `this is ${this.node}: send the canary apply to ${node}'s own API (the node that takes a write applies it at once)`,
        { canary: node, node: this.node },
      );
    }
    const kv = await this.etcd.get(this.keys.canary);
    const had = parseCanary(kv);
    if (had?.state === "running") {
      throw new AgentError(
        "CONFLICT",
        `a canary already runs on ${had.node} (started ${had.started_at}): wait for it or abort it (agent fleet canary abort)`,
        { canary: had.id },
      );
    }
    const base = await readGeneration(this.etcd, this.keys);
    const now = new Date().toISOString();
    const h = await healthNow(this.rt);
    let c: Canary = {
      id: `${now.replace(/[-:.]/g, "").slice(0, 15)}-${node}`,
      node,
      state: "running",
      base_generation: base.generation,
      base_revision: base.revision,
      armed_revision: 0,
      generation: null,
      hold_s: this.rt.settings.canary_hold,
      baseline: [...h.failing.keys()],
      by: actor,
      started_at: now,
      healthy_since: null,
      ended_at: null,
      reason: null,
    };
    const started = await this.#put(c, kv?.modRevision ?? 0, [
      If.mod(this.keys.generation, "==", base.revision),
    ]);
    if (!started) {
      throw new AgentError(
        "CONFLICT",
        "the fleet's state changed as the canary started: try again",
      );
    }
    c = { ...c, armed_revision: this.view.mod };
    if (!(await this.#put(c, this.view.mod))) {
      throw new AgentError("CONFLICT", "the canary was ended before its write: nothing written");
    }
    await this.#audit("fleet.canary_start", c, actor, "started", `canary on ${node}: started`);
    let result: T;
    try {
      result = await write();
    } catch (e) {
      await this.abort(`its apply failed: ${(e as Error).message}`, actor).catch(() => {});
      throw e;
    }
    const o = judge(result);
    if (o.failure || !o.changed) {
      const why = o.failure
        ? `its apply on ${node} failed: ${o.failure}`
        : "the apply changed nothing";
      return { result, canary: await this.abort(why, actor) };
    }
    const { generation } = await mirrorAt(this.rt.store.kv);
    c = { ...c, generation };
    if (!(await this.#put(c, this.view.mod))) { // ended meanwhile (an operator): as it is now
      c = parseCanary(await this.etcd.get(this.keys.canary)) ?? c;
    }
    return { result, canary: c };
  }

  /** Ends the running canary: the records go back to the base in one generation. */
  async abort(reason: string, actor: string): Promise<Canary> {
    for (let i = 0;; i++) {
      const { c, mod } = await this.#current();
      const [was, now] = await Promise.all([
        this.etcd.rangeAll(this.keys.desired, { revision: baseReadRevision(c) }),
        this.etcd.rangeAll(this.keys.desired),
      ]);
      const ops = revertOps(this.keys, was.kvs, now.kvs);
      const ended: Canary = {
        ...c,
        state: "aborted",
        ended_at: new Date().toISOString(),
        reason,
      };
      const gen = now.kvs.find((k) => k.key === this.keys.generation);
      try {
        const w = await commitDesired(this.etcd, this.keys, {
          puts: { ...ops.puts, [this.keys.canary]: JSON.stringify(ended) },
          deletes: ops.deletes,
          compare: [If.mod(this.keys.canary, "==", mod)],
          expectRevision: gen?.modRevision ?? 0,
        }, { attempts: 3 });
        this.view.set(ended, w.revision);
        const n = Object.keys(ops.puts).length + ops.deletes.length;
        await this.#audit(
          "fleet.canary_abort",
          ended,
          actor,
          "aborted",
          `canary on ${c.node} aborted: ${reason}; ${n} record(s) back to generation ${c.base_generation} (as generation ${w.generation})`,
        );
        return ended;
      } catch (e) {
        // Someone wrote meanwhile: read again and go back to the base from there.
        if (!(e instanceof AgentError && e.code === "PRECONDITION_FAILED") || i >= 3) throw e;
      }
    }
  }

  /** Promotes the running canary at the latest generation (an operator's call, or the hold). */
  async promote(reason: string, actor: string, atRevision?: number): Promise<Canary> {
    const { c, mod } = await this.#current();
    const g = await readGeneration(this.etcd, this.keys);
    const done: Canary = {
      ...c,
      state: "promoted",
      generation: g.generation,
      ended_at: new Date().toISOString(),
      reason,
    };
    const guard = atRevision === undefined ? [] : [If.mod(this.keys.generation, "==", atRevision)];
    if (!(await this.#put(done, mod, guard))) {
      throw new AgentError(
        "CONFLICT",
        "the canary or the desired state moved meanwhile: try again",
      );
    }
    await this.#audit(
      "fleet.canary_promote",
      done,
      actor,
      "promoted",
      `canary on ${c.node} promoted at generation ${g.generation}: ${reason}`,
    );
    return done;
  }

  /** One look at this node's own canary: abort, go on holding, or promote. */
  async #tick(c: Canary): Promise<void> {
    if (c.generation === null) {
      if (Date.now() - Date.parse(c.started_at) > LANDING_MS) {
        await this.abort("its write never landed (the request ended before it)", "fleet");
      }
      return;
    }
    const at = await mirrorAt(this.rt.store.kv);
    if (at.generation < c.generation) return; // (this node's follower brings it)
    const last = this.rt.reconciler.lastApply;
    const round = this.fleet.follower()?.last();
    const failed = round && !round.ok && round.generation >= c.generation
      ? round.error
      : last?.status === "failed" && last.at >= c.started_at
      ? last.error?.message ?? "the apply failed"
      : null;
    if (failed) {
      return void await this.abort(`its round on ${this.node} failed: ${failed}`, "fleet");
    }
    const h = await healthNow(this.rt);
    const worse = [...h.failing].filter(([id]) => !c.baseline.includes(id));
    if (worse.length) {
      const why = worse.map(([, w]) => w).join("; ");
      return void await this.abort(`its health degraded on ${this.node}: ${why}`, "fleet");
    }
    if (this.#phase?.generation !== at.generation) {
      this.#phase = { generation: at.generation, since: null };
    }
    const passing = !h.unknown.some((id) => !c.baseline.includes(id));
    if (!passing) return void (this.#phase.since = null);
    if (this.#phase.since === null) {
      this.#phase.since = Date.now();
      const since = new Date().toISOString();
      await this.#put({ ...c, generation: at.generation, healthy_since: since }, this.view.mod);
    }
    if (Date.now() - this.#phase.since < c.hold_s * 1000) return;
    const why = `round ok and health checks passing for ${c.hold_s} s on ${this.node}`;
    await this.promote(why, "fleet", at.revision).catch((e) => {
      // A write meanwhile: the hold starts again on the newer generation.
      if (!(e instanceof AgentError && e.code === "CONFLICT")) throw e;
      this.#phase = null;
    });
  }

  /**
   * The controller's watch on another node's canary: a node that stopped
   * reporting (down, cut off) can neither promote nor abort it, and the others
   * would hold at the base for good; after ORPHAN_MS without its status it is aborted.
   */
  async #watch(c: Canary): Promise<void> {
    const now = Date.now();
    if (this.#orphan?.id !== c.id) this.#orphan = { id: c.id, since: now, checked: 0 };
    const o = this.#orphan;
    if (now - o.checked < 2000) return;
    o.checked = now;
    if (await this.etcd.get(this.keys.status(c.node))) return void (o.since = now);
    if (now - o.since < ORPHAN_MS) return;
    await this.abort(
      `its node ${c.node} stopped reporting (no status for ${ORPHAN_MS / 1000} s)`,
      "fleet",
    );
  }

  start(): void {
    const signal = this.#ctl.signal;
    this.#running = (async () => {
      while (!signal.aborted) {
        await sleep(500, signal);
        const c = this.view.marker;
        if (signal.aborted || c?.state !== "running") {
          this.#phase = null;
          this.#orphan = null;
          continue;
        }
        try {
          if (c.node !== this.node) {
            this.#phase = null;
            if (this.fleet.leading()) await this.#watch(c);
            continue;
          }
          await this.#tick(c);
          this.#failing = false;
        } catch (e) {
          if (!this.#failing) this.rt.log(`fleet: canary ${c.id}: ${(e as Error).message}`);
          this.#failing = true;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#ctl.abort();
    await this.#running;
  }
}
