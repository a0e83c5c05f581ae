// The one reconciler of a host. Changes land in KV first; a round then renders
// the whole managed tree from KV, proves it with `nginx -t` inside the real
// nginx.conf, swaps the `current` symlink, reloads nginx and proves that nginx
// loaded it (new workers, no [emerg]). Any failure leaves nginx on the previous
// generation. Rounds are debounced, so a burst of changes costs one reload, and
// a change that breaks `nginx -t` is refused alone while the rest is applied.
import { AgentError, type ErrorCode } from "../errors.ts";
import { canonical, entityId, type Rec, type Store } from "../store/store.ts";
import { appendAudit, resolvePending } from "../store/audit.ts";
import { configHash, type RenderedFile, type RenderExtension, renderTree } from "../render/tree.ts";
import type { RenderContext } from "../render/context.ts";
import type { Generations, Staged } from "./generations.ts";
import { emergLines, type NginxControl } from "./control.ts";
import { mapNginxError, relabelCandidate } from "./error-map.ts";

export interface Refusal {
  id: string;
  kind: string;
  name: string;
  code: ErrorCode;
  message: string;
  nginx_output?: string;
  file?: string;
  line?: number;
}

export interface ApplyOutcome {
  status: "applied" | "unchanged" | "pending" | "failed" | "dry_run";
  generation: number | null;
  config_hash: string | null;
  reloaded: boolean;
  applied: string[];
  refused: Refusal[];
  warnings: string[];
  error?: { code: ErrorCode; message: string; nginx_output?: string };
  at: string;
  duration_ms: number;
}

/** A post-reload check a feature adds (e.g. a proxy answers through nginx). */
export interface Verifier {
  name: string;
  verify(
    changed: string[],
    state: Map<string, Rec>,
  ): Promise<{ id: string; code: ErrorCode; message: string }[]>;
}

export interface ReconcilerSettings {
  apply_mode: "auto" | "manual";
  coalesce_ms: number;
  coalesce_max_ms?: number;
  generations_keep: number;
  generations_max_age_days: number;
  reload_timeout: number;
}

export interface ReconcilerDeps {
  store: Store;
  generations: Generations;
  nginx: NginxControl;
  settings: ReconcilerSettings;
  renderContext: () => RenderContext;
  extensions?: RenderExtension[];
  verifiers?: Verifier[];
  /** Puts an entity back to what nginx serves (null: remove it) after a refusal. */
  restore: (id: string, applied: Rec | null, reason: Refusal) => Promise<void>;
  log?: (msg: string) => void;
}

interface Waiter {
  seq: number;
  ids: string[];
  resolve: (o: ApplyOutcome) => void;
  reject: (e: AgentError) => void;
}

interface RoundResult {
  outcome: ApplyOutcome;
  seq: number;
  /** Every refused entity (group members included) -> its refusal. */
  refusedIds: Map<string, Refusal>;
  fatal?: AgentError;
}

/** The group of a round that only applies changed settings (see `rerender`). */
const SETTINGS_GROUP = "settings/render";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Test hook for crash-safety tests: when the environment variable
 * AGENT_CRASH_AT names this step, the agent SIGKILLs itself here. Steps:
 * after-kv-write, after-generation-write, after-swap, after-reload.
 */
export function crashPoint(step: string): void {
  let at: string | undefined;
  try {
    at = Deno.env.get("AGENT_CRASH_AT");
  } catch { /* no env permission: no crash tests */ }
  if (at === step) Deno.kill(Deno.pid, "SIGKILL");
}

/** What nginx renders from and what counts as a change: the spec and its owner, not versions or times. */
export function sameRecord(a: Rec | undefined, b: Rec | undefined): boolean {
  if (!a || !b) return a === b;
  const strip = (r: Rec) => {
    const { version: _v, created_at: _c, updated_at: _u, ...rest } = r;
    return rest;
  };
  return canonical(strip(a)) === canonical(strip(b));
}

function splitId(id: string): { kind: string; name: string } {
  const i = id.indexOf("/");
  return { kind: id.slice(0, i), name: id.slice(i + 1) };
}

export class Reconciler {
  readonly deps: ReconcilerDeps;
  /** The records the current generation was rendered from (its sidecars). */
  applied = new Map<string, Rec>();
  currentGeneration: number | null = null;
  currentHash: string | null = null;
  lastApply: ApplyOutcome | null = null;
  lastReloadAt: string | null = null;
  reloads = 0;
  /**
   * While set, rounds with changes fail with this message instead of applying
   * (the state was lost: applying it would remove every managed site).
   */
  hold: string | null = null;
  #rerender = false;

  #waiters: Waiter[] = [];
  #loopRunning = false;
  #lastKick = 0;
  #lock: Promise<void> = Promise.resolve();

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
  }

  #log(msg: string) {
    this.deps.log?.(msg);
  }

  /** Serializes rounds with other operations on generations (rollback, rewrite). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.then(() => {}, () => {});
    return run;
  }

  /**
   * Loads the current generation, cleans up after a crash, and makes sure nginx
   * serves the current generation (a crash between swap and reload leaves it on
   * the previous one). Returns warnings for the operator.
   */
  async recover(): Promise<string[]> {
    return await this.exclusive(async () => {
      const warnings: string[] = [];
      const removed = await this.deps.generations.init();
      if (removed.length) {
        warnings.push(`removed ${removed.length} half-written generation(s) left by a crash`);
      }
      await this.#loadCurrent();
      const nginx = this.deps.nginx;
      if (this.currentHash && !nginx.dryRun && (await nginx.masterPid()) !== null) {
        // Workers older than the last swap mean nginx never loaded the current
        // generation (the agent died between swap and reload).
        const swappedAt = (await Deno.lstat(this.deps.generations.currentLink)).mtime?.getTime() ??
          0;
        const workers = await nginx.workers();
        if (workers.length && workers.every((w) => w.startedAt < swappedAt - 20)) {
          warnings.push(`nginx had not loaded generation ${this.currentGeneration}; reloading`);
          const ok = await this.#reloadAndVerify();
          if (!ok.ok) warnings.push(`reload failed: ${ok.output}`);
        }
      }
      return warnings;
    });
  }

  async #loadCurrent() {
    const g = this.deps.generations;
    const n = await g.current();
    this.currentGeneration = n;
    if (n === null) {
      this.applied = new Map();
      this.currentHash = null;
      return;
    }
    const m = await g.manifest(n);
    this.currentHash = m.config_hash;
    this.applied = new Map([...(await g.sidecars(n))].map(([id, s]) => [id, s.record]));
  }

  /** Renders the desired state (pending changes included) without writing anything. */
  async renderDesired(): Promise<{ files: RenderedFile[]; records: Map<string, Rec> }> {
    const records = await this.deps.store.all();
    return {
      files: renderTree(records, this.deps.renderContext(), this.deps.extensions ?? []),
      records,
    };
  }

  /** `nginx -t` of the desired state in a scratch generation that is thrown away. */
  async validateDesired(): Promise<
    {
      ok: boolean;
      output: string;
      include_found: boolean;
      error?: ReturnType<typeof mapNginxError>;
    }
  > {
    const { files, records } = await this.renderDesired();
    const staged = await this.deps.generations.stage(files, records, configHash(files), {
      validate: true,
    });
    try {
      const t = await this.deps.nginx.test(staged.path);
      const output = t.skipped ?? relabelCandidate(t.output, staged.path);
      return {
        ok: t.ok,
        output,
        include_found: t.includeFound,
        ...(t.ok ? {} : { error: mapNginxError(t.output, staged.path, staged.manifest) }),
      };
    } finally {
      await this.deps.generations.discard(staged.path);
    }
  }

  /** Reloads nginx onto the current generation and proves it loaded. */
  reloadNow(): Promise<{ ok: boolean; output: string }> {
    return this.exclusive(async () => {
      if (this.deps.nginx.dryRun) {
        return { ok: true, output: "nginx is not installed (dry-run): nothing to reload" };
      }
      return await this.#reloadAndVerify();
    });
  }

  /** Changes in KV that nginx does not serve yet. */
  async pending(): Promise<
    { id: string; action: "create" | "update" | "delete"; version: number | null }[]
  > {
    const desired = await this.deps.store.all();
    const out: { id: string; action: "create" | "update" | "delete"; version: number | null }[] =
      [];
    for (const id of new Set([...desired.keys(), ...this.applied.keys()])) {
      const d = desired.get(id);
      const a = this.applied.get(id);
      if (sameRecord(d, a)) continue;
      out.push({
        id,
        action: !a ? "create" : !d ? "delete" : "update",
        version: d?.version ?? null,
      });
    }
    return out.sort((x, y) => (x.id < y.id ? -1 : 1));
  }

  /**
   * Called after a change is committed to KV. In auto mode it resolves with the
   * outcome of the apply that carried the change (or rejects with the refusal);
   * in manual mode it returns at once with status "pending".
   */
  submit(ids: string[]): Promise<ApplyOutcome> {
    if (this.deps.settings.apply_mode === "manual") {
      return Promise.resolve(
        this.#outcome("pending", {
          warnings: ["apply_mode is manual: POST /api/config/apply to apply"],
        }),
      );
    }
    return this.#enqueue(ids);
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

  #enqueue(ids: string[]): Promise<ApplyOutcome> {
    return new Promise<ApplyOutcome>((resolve, reject) => {
      this.#waiters.push({ seq: this.deps.store.seq, ids, resolve, reject });
      this.#kick();
    });
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
      const quiet = this.deps.settings.coalesce_ms;
      const cap = this.deps.settings.coalesce_max_ms ?? 1000;
      const start = performance.now();
      // Debounce: wait until no change arrived for `quiet` ms, at most `cap` ms.
      while (true) {
        const now = performance.now();
        const idle = now - this.#lastKick;
        const waited = now - start;
        if (idle >= quiet || waited >= cap) break;
        await sleep(Math.max(1, Math.min(quiet - idle, cap - waited)));
      }
      const result = await this.exclusive(() => this.#round());
      this.#settle(result);
    }
  }

  #settle(r: RoundResult) {
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
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
            entity: { kind: ref.kind, name: ref.name },
            nginx_output: ref.nginx_output,
            file: ref.file,
            line: ref.line,
            generation: this.currentGeneration,
          }),
        );
        continue;
      }
      w.resolve(r.outcome);
    }
    this.#waiters = still;
  }

  #outcome(
    status: ApplyOutcome["status"],
    extra: Partial<ApplyOutcome> = {},
    started = performance.now(),
  ): ApplyOutcome {
    return {
      status,
      generation: this.currentGeneration,
      config_hash: this.currentHash,
      reloaded: false,
      applied: [],
      refused: [],
      warnings: [],
      at: new Date().toISOString(),
      duration_ms: Math.round(performance.now() - started),
      ...extra,
    };
  }

  async #round(): Promise<RoundResult> {
    const started = performance.now();
    // Under the write lock, so `seq` counts exactly the writes `desired` holds (a
    // write committing between the two reads would be applied here but its caller
    // settled by a later round that does not carry it).
    const { seq, desired } = await this.deps.store.locked(async () => ({
      seq: this.deps.store.seq,
      desired: await this.deps.store.all(),
    }));
    const applied = this.applied;
    const changed = [...new Set([...desired.keys(), ...applied.keys()])].filter(
      (id) => !sameRecord(desired.get(id), applied.get(id)),
    );
    const rerender = this.#rerender && this.currentGeneration !== null && !this.hold;
    this.#rerender = false;
    if (changed.length === 0 && !(rerender && this.#rendersDifferently(desired))) {
      const outcome = this.#outcome("unchanged", {}, started);
      return { outcome, seq, refusedIds: new Map() };
    }
    crashPoint("after-kv-write");
    // Records owned by another entity (a proxy's site and pool) stand or fall with it.
    const groupOf = (id: string): string => {
      const owner = desired.get(id)?.managed_by ?? applied.get(id)?.managed_by;
      return owner ? entityId(owner.kind, owner.name) : id;
    };
    const groups = new Map<string, Set<string>>();
    for (const id of changed) {
      const g = groupOf(id);
      if (!groups.has(g)) groups.set(g, new Set());
      groups.get(g)!.add(id);
    }
    // No record changed but the text did: one group without records carries it.
    if (groups.size === 0) groups.set(SETTINGS_GROUP, new Set());
    if (this.hold) {
      return await this.#finish({
        started,
        seq,
        refusals: [],
        refusedIds: new Map(),
        applied: [],
        status: "failed",
        warnings: [],
        groups,
        fatal: new AgentError("CONFLICT", this.hold, { hold: true }),
      });
    }
    const candidate = new Map(desired);
    const remaining = new Set(groups.keys());
    const refusals: Refusal[] = [];
    const refusedIds = new Map<string, Refusal>();
    const revert = (g: string, state = candidate) => {
      for (const id of groups.get(g)!) {
        const a = applied.get(id);
        if (a) state.set(id, a);
        else state.delete(id);
      }
    };
    const refuse = (g: string, r: Omit<Refusal, "id" | "kind" | "name">) => {
      remaining.delete(g);
      revert(g);
      const refusal = { id: g, ...splitId(g), ...r };
      refusals.push(refusal);
      for (const id of groups.get(g)!) refusedIds.set(id, refusal);
    };
    const warnings: string[] = [];
    const ctx = this.deps.renderContext();
    const render = (state: Map<string, Rec>) => renderTree(state, ctx, this.deps.extensions ?? []);

    // Set when a verifier refused groups after nginx loaded them: the reverted
    // candidate must still be loaded, even when no group remains.
    let rollback = false;
    while (true) {
      if (remaining.size === 0 && !rollback) {
        return await this.#finish({
          started,
          seq,
          refusals,
          refusedIds,
          applied: [],
          status: "failed",
          warnings,
          groups,
        });
      }
      let files: RenderedFile[];
      try {
        files = render(candidate);
      } catch (e) {
        const fatal = new AgentError(
          "CONFIG_WRITE_FAILED",
          `rendering failed: ${(e as Error).message}`,
        );
        return await this.#finish({
          started,
          seq,
          refusals,
          refusedIds,
          applied: [],
          status: "failed",
          warnings,
          groups,
          fatal,
        });
      }
      const hash = configHash(files);
      const cause = { changed: [...remaining].sort(), refused: refusals.map((r) => r.id) };
      let staged: Staged;
      try {
        staged = await this.deps.generations.stage(files, candidate, hash, cause);
      } catch (e) {
        const fatal = new AgentError(
          "CONFIG_WRITE_FAILED",
          `cannot write generation: ${(e as Error).message}`,
        );
        return await this.#finish({
          started,
          seq,
          refusals,
          refusedIds,
          applied: [],
          status: "failed",
          warnings,
          groups,
          fatal,
        });
      }
      const sameConfig = hash === this.currentHash;
      if (!sameConfig) {
        const test = await this.deps.nginx.test(staged.path);
        if (test.skipped) warnings.push(test.skipped);
        if (!test.includeFound) {
          warnings.push(
            "nginx.conf does not include this agent's directory: nginx will not serve it (see `agent doctor`)",
          );
        }
        if (!test.ok) {
          const mapped = mapNginxError(test.output, staged.path, staged.manifest);
          await this.deps.generations.discard(staged.path);
          let culprit = mapped.entity
            ? groupOf(entityId(mapped.entity.kind, mapped.entity.name))
            : null;
          let output = relabelCandidate(test.output, staged.path);
          let where = mapped;
          if (!culprit || !remaining.has(culprit)) {
            const found = await this.#bisect([...remaining], candidate, revert, render);
            if (!found) {
              const fatal = new AgentError(
                "NGINX_TEST_FAILED",
                `nginx -t fails even without the pending changes (they stay pending): ${mapped.message}`,
                { nginx_output: relabelCandidate(test.output, staged.path) },
              );
              return await this.#finish({
                started,
                seq,
                refusals,
                refusedIds,
                applied: [],
                status: "failed",
                warnings,
                groups,
                fatal,
              });
            }
            culprit = found.group;
            output = found.output;
            where = found.mapped;
          }
          refuse(culprit, {
            code: "NGINX_TEST_FAILED",
            message: `nginx -t refused ${culprit.replace("/", " ")}: ${where.message}`,
            nginx_output: output,
            file: where.file,
            line: where.line,
          });
          continue;
        }
      }
      // Proven: make it the current generation.
      const previous = this.currentGeneration;
      let n: number;
      try {
        n = await this.deps.generations.commit(staged);
        crashPoint("after-generation-write");
        await this.deps.generations.swap(n);
        crashPoint("after-swap");
      } catch (e) {
        await this.deps.generations.discard(staged.path);
        const fatal = new AgentError(
          "CONFIG_WRITE_FAILED",
          `cannot install generation: ${(e as Error).message}`,
        );
        return await this.#finish({
          started,
          seq,
          refusals,
          refusedIds,
          applied: [],
          status: "failed",
          warnings,
          groups,
          fatal,
        });
      }
      let reloaded = false;
      if (!sameConfig && !this.deps.nginx.dryRun) {
        const running = (await this.deps.nginx.masterPid()) !== null;
        if (!running) {
          warnings.push(`nginx is not running: it will load generation ${n} when it starts`);
        } else {
          const r = await this.#reloadAndVerify();
          if (!r.ok) {
            // nginx kept the old configuration in memory; point the files back at it too.
            if (previous !== null) await this.deps.generations.swap(previous);
            else await Deno.remove(this.deps.generations.currentLink).catch(() => {});
            await this.deps.generations.discard(this.deps.generations.pathOf(n));
            for (const g of [...remaining]) {
              refuse(g, {
                code: "NGINX_RELOAD_FAILED",
                message: `nginx reload failed: ${r.output}`,
                nginx_output: r.output,
              });
            }
            return await this.#finish({
              started,
              seq,
              refusals,
              refusedIds,
              applied: [],
              status: "failed",
              warnings,
              groups,
            });
          }
          reloaded = true;
          crashPoint("after-reload");
        }
      }
      this.currentGeneration = n;
      this.currentHash = hash;
      this.applied = new Map(candidate);
      rollback = false;
      // Feature checks through nginx; a failing entity is rolled back by a new round without it.
      const failures = reloaded ? await this.#verify([...remaining], candidate) : [];
      if (failures.length) {
        for (const f of failures) {
          const g = groupOf(f.id);
          if (remaining.has(g)) {
            refuse(g, { code: f.code, message: f.message });
            rollback = true;
          }
        }
        continue;
      }
      if (this.deps.nginx.dryRun) {
        warnings.push(
          "nginx is not installed: configuration written but not tested or loaded (dry-run)",
        );
      }
      const appliedIds = [...remaining].flatMap((g) => [...groups.get(g)!]);
      // Nothing left after a rollback: nginx is back where it was, the change failed.
      const status = remaining.size === 0
        ? "failed"
        : this.deps.nginx.dryRun
        ? "dry_run"
        : "applied";
      const out = await this.#finish({
        started,
        seq,
        refusals,
        refusedIds,
        applied: appliedIds,
        status,
        warnings,
        groups,
        reloaded,
      });
      await this.deps.generations.prune(
        this.deps.settings.generations_keep,
        this.deps.settings.generations_max_age_days,
        [n, ...(previous !== null ? [previous] : [])],
      ).catch((e) => this.#log(`prune failed: ${e}`));
      return out;
    }
  }

  #rendersDifferently(desired: Map<string, Rec>): boolean {
    try {
      const files = renderTree(desired, this.deps.renderContext(), this.deps.extensions ?? []);
      return configHash(files) !== this.currentHash;
    } catch {
      return true; // the round renders again and reports the error
    }
  }

  /**
   * Finds the first group that makes `nginx -t` fail when the groups are added
   * one after another on top of what nginx serves (binary search). Null when the
   * configuration fails even without any of them.
   */
  async #bisect(
    order: string[],
    candidate: Map<string, Rec>,
    revert: (g: string, state: Map<string, Rec>) => void,
    render: (s: Map<string, Rec>) => RenderedFile[],
  ): Promise<{ group: string; output: string; mapped: ReturnType<typeof mapNginxError> } | null> {
    const withFirst = async (k: number) => {
      const state = new Map(candidate);
      for (const g of order.slice(k)) revert(g, state);
      const files = render(state);
      const staged = await this.deps.generations.stage(files, state, configHash(files), {
        bisect: k,
      });
      try {
        const t = await this.deps.nginx.test(staged.path);
        return {
          ok: t.ok,
          output: relabelCandidate(t.output, staged.path),
          mapped: mapNginxError(t.output, staged.path, staged.manifest),
        };
      } finally {
        await this.deps.generations.discard(staged.path);
      }
    };
    if (!(await withFirst(0)).ok) return null;
    let lo = 0;
    let hi = order.length;
    let failing = await withFirst(hi);
    if (failing.ok) return null;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const t = await withFirst(mid);
      if (t.ok) lo = mid;
      else {
        hi = mid;
        failing = t;
      }
    }
    return { group: order[hi - 1], output: failing.output, mapped: failing.mapped };
  }

  /**
   * Reloads nginx and waits for proof: new workers started and the old ones
   * stopped accepting, or [emerg] logged.
   */
  async #reloadAndVerify(): Promise<{ ok: boolean; output: string }> {
    const nginx = this.deps.nginx;
    const offset = await nginx.errorLogSize();
    const before = new Set((await nginx.workers()).map((w) => w.pid));
    const r = await nginx.reload();
    if (!r.ok) return r;
    const deadline = performance.now() + this.deps.settings.reload_timeout * 1000;
    let delay = 2;
    while (performance.now() < deadline) {
      const log = emergLines(await nginx.errorLogSince(offset));
      if (log) return { ok: false, output: log };
      // Loaded: new workers run, and every old one is gone or has stopped accepting.
      const now = await nginx.workers();
      if (
        now.some((w) => !before.has(w.pid)) &&
        now.every((w) => !before.has(w.pid) || w.title.includes("shutting down"))
      ) {
        this.reloads++;
        this.lastReloadAt = new Date().toISOString();
        return { ok: true, output: r.output };
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
    return {
      ok: false,
      output:
        `nginx started no new workers within ${this.deps.settings.reload_timeout}s after the reload`,
    };
  }

  async #verify(changed: string[], state: Map<string, Rec>) {
    const out: { id: string; code: ErrorCode; message: string }[] = [];
    for (const v of this.deps.verifiers ?? []) {
      try {
        out.push(...(await v.verify(changed, state)));
      } catch (e) {
        this.#log(`verifier ${v.name} failed: ${e}`);
      }
    }
    return out;
  }

  async #finish(p: {
    started: number;
    seq: number;
    refusals: Refusal[];
    refusedIds: Map<string, Refusal>;
    applied: string[];
    status: ApplyOutcome["status"];
    warnings: string[];
    groups: Map<string, Set<string>>;
    reloaded?: boolean;
    fatal?: AgentError;
  }): Promise<RoundResult> {
    const outcome = this.#outcome(p.status, {
      applied: p.applied.sort(),
      refused: p.refusals,
      warnings: [...new Set(p.warnings)],
      reloaded: p.reloaded ?? false,
      ...(p.fatal
        ? {
          error: {
            code: p.fatal.code,
            message: p.fatal.message,
            nginx_output: p.fatal.detail.nginx_output as string | undefined,
          },
        }
        : {}),
    }, p.started);
    this.lastApply = outcome;
    const kv = this.deps.store.kv;
    // Refused entities go back to what nginx serves, so the next round does not retry them.
    for (const r of p.refusals) {
      for (const id of p.groups.get(r.id) ?? [r.id]) {
        await this.deps.restore(id, this.applied.get(id) ?? null, r).catch((e) =>
          this.#log(`could not restore ${id} after refusal: ${e}`)
        );
      }
    }
    for (const id of p.applied) {
      const { kind, name } = splitId(id);
      await resolvePending(kv, kind, name, { outcome: p.status, generation: outcome.generation });
    }
    for (const r of p.refusals) {
      for (const id of p.groups.get(r.id) ?? [r.id]) {
        const { kind, name } = splitId(id);
        await resolvePending(kv, kind, name, {
          outcome: "refused",
          message: r.message,
          nginx_output: r.nginx_output,
          generation: outcome.generation,
        });
      }
    }
    if (p.fatal) {
      for (const g of p.groups.values()) {
        for (const id of g) {
          const { kind, name } = splitId(id);
          await resolvePending(kv, kind, name, {
            outcome: "failed",
            message: p.fatal.message,
            nginx_output: p.fatal.detail.nginx_output as string | undefined,
          });
        }
      }
    }
    await appendAudit(kv, {
      at: outcome.at,
      actor: "reconciler",
      action: "apply",
      entity: { kind: "config", name: "generation" },
      before: null,
      after: null,
      outcome: p.fatal ? "failed" : p.status,
      message: p.fatal?.message ??
        `${p.applied.length} applied, ${p.refusals.length} refused${
          p.reloaded ? ", nginx reloaded" : ""
        }`,
      nginx_output: p.fatal?.detail.nginx_output as string | undefined ??
        (p.refusals.map((r) => r.nginx_output).filter(Boolean).join("\n") || undefined),
      generation: outcome.generation,
      detail: {
        applied: p.applied,
        refused: p.refusals.map((r) => ({ id: r.id, code: r.code, message: r.message })),
        warnings: outcome.warnings,
      },
    });
    this.#log(
      `apply: ${outcome.status} generation=${outcome.generation} applied=${p.applied.length} refused=${p.refusals.length}` +
        (p.fatal ? ` error=${p.fatal.message}` : ""),
    );
    return { outcome, seq: p.seq, refusedIds: p.refusedIds, fatal: p.fatal };
  }
}
