// One apply round as a list of steps: plan groups -> render -> stage -> test ->
// refuse/bisect -> commit and swap -> reload and prove -> verify. Each step
// returns a typed result or throws the AgentError the round fails with; the
// round has one exit, where `finish` runs exactly once, so every caller gets an
// answer with what the round did.
import { AgentError, asAgentError, messageOf } from "../errors.ts";
import { entityId, type Rec, type Store } from "../store/store.ts";
import type { RenderContext } from "../render/context.ts";
import { configHash, type RenderedFile, renderTree } from "../render/tree.ts";
import type { Staged } from "./generations.ts";
import { mapNginxError, relabelCandidate } from "./error-map.ts";
import { findCulprit, type Trial } from "./bisect.ts";
import type { CrashStep, Live, ReconcilerDeps } from "./deps.ts";
import { done, finish, type RoundEnd, type RoundLog } from "./finish.ts";
import { heldError, outcomeOf, type RoundResult, type Verified } from "./outcome.ts";
import { changedIds, RoundPlan } from "./plan.ts";
import { verify } from "./verify.ts";
import { refuseTakenSockets } from "./sockets.ts";
import { markProven, prove } from "./sandbox.ts";
import { withProbe } from "./probe.ts";
import { desiredUnderLock } from "../store/desired-cache.ts";
import { swapBack } from "./swap-back.ts";

interface Round extends RoundLog {
  deps: ReconcilerDeps;
  live: Live;
  render: (state: Map<string, Rec>) => RenderedFile[];
  crash: (step: CrashStep) => void;
  /** Entities whose callers wait for the verifiers (an activation's external hop). */
  requested: ReadonlySet<string>;
}

/** Runs one round; `rerender` also applies when only the rendered text changed. */
export async function runRound(
  deps: ReconcilerDeps,
  live: Live,
  rerender: boolean,
  requested: ReadonlySet<string> = new Set(),
): Promise<RoundResult> {
  const started = performance.now();
  const { seq, desired } = await readDesired(deps.store);
  const changed = changedIds(desired, live.applied);
  const rerendering = rerender && live.generation !== null && !live.held;
  if (changed.length === 0 && !(rerendering && rendersDifferently(deps, desired, live.hash))) {
    return { outcome: outcomeOf("unchanged", live, {}, started), seq, refusedIds: new Map() };
  }
  const crash = deps.crashPoint ?? (() => {});
  crash("after-kv-write");
  let ctx: RenderContext | undefined;
  let memo: { state: Map<string, Rec>; key: number; files: RenderedFile[] } | undefined;
  const r: Round = {
    deps,
    live,
    crash,
    started,
    seq,
    plan: new RoundPlan(desired, live.applied, changed),
    warnings: [],
    verified: new Map<string, Verified>(),
    requested,
    render: (state) => {
      // The socket check and the render step render the same candidate: once.
      const key = state === r.plan.state ? r.plan.refusals.length : -1;
      if (memo?.state === state && memo.key === key && key >= 0) return memo.files;
      const files = renderTree(
        state,
        ctx ??= deps.renderContext(),
        deps.extensions ?? [],
        deps.kinds,
        deps.renders,
      );
      memo = { state, key, files };
      return files;
    },
  };
  let end: RoundEnd;
  try {
    end = await steps(r);
  } catch (e) {
    // The step's error says what failed; changes it did not refuse stay pending.
    end = { status: "failed", fatal: asAgentError(e) };
  }
  return { ...(await finish(deps, live, r, end)), protect: end.protect };
}

async function steps(r: Round): Promise<RoundEnd> {
  if (r.live.held) return { status: "failed", fatal: heldError(r.live.held) };
  // Set when a verifier refused groups after nginx loaded them: the reverted
  // candidate must still be loaded, even when no group remains.
  let rollback = false;
  const masterPid = () => r.deps.nginx.masterPid();
  await refuseTakenSockets({ plan: r.plan, render: r.render, masterPid });
  while (true) {
    if (r.plan.remaining.size === 0 && !rollback) return { status: "failed" };
    const { files, hash } = render(r);
    const staged = await stage(r, files, r.plan.state, hash, {
      changed: [...r.plan.remaining].sort(),
      refused: r.plan.refusals.map((x) => x.id),
    });
    const sameConfig = hash === r.live.hash;
    const proof = sameConfig
      ? "same"
      : await prove(r.deps, r.live, staged, files, () => test(r, staged));
    if (proof === "refused") continue;
    const previous = r.live.generation;
    const n = await install(r, staged);
    const cand = { files, hash, sandboxed: proof === "sandbox", same: sameConfig };
    const loaded = await reload(r, n, previous, cand).finally(() =>
      r.deps.generations.live.reloaded()
    );
    if (!loaded.ok && loaded.retry) continue; // the full test refused the reload's culprit
    if (!loaded.ok) return { status: "failed", fatal: loaded.fatal };
    if (proof !== "sandbox" || loaded.reloaded) await markProven(r.deps, n, r.warnings);
    r.live.installed(n, hash, new Map(r.plan.state), { desired: r.plan.desired, seq: r.seq });
    const checked = loaded.reloaded
      ? await verify(r.deps.verifiers ?? [], r.plan, r.verified, r.deps.log, r.requested)
      : { failed: false, refused: false };
    rollback = checked.refused;
    if (checked.failed) continue; // a new generation without the refused groups
    return done(r, loaded.reloaded, [n, ...(previous !== null ? [previous] : [])]);
  }
}

/**
 * Under the write lock, so `seq` counts exactly the writes `desired` holds (a
 * write committing between the two reads would be applied here but its caller
 * settled by a later round that does not carry it).
 */
async function readDesired(store: Store): Promise<{ seq: number; desired: Map<string, Rec> }> {
  return await store.locked(async () => ({
    seq: store.seq,
    desired: await desiredUnderLock(store),
  }));
}

function rendersDifferently(deps: ReconcilerDeps, desired: Map<string, Rec>, hash: string | null) {
  try {
    return configHash(
      renderTree(desired, deps.renderContext(), deps.extensions ?? [], deps.kinds),
    ) !== hash;
  } catch {
    return true; // the round renders again and reports the error
  }
}

/** Step: the candidate as nginx text. */
function render(r: Round): { files: RenderedFile[]; hash: string } {
  try {
    const files = r.render(r.plan.state);
    const hash = configHash(files);
    return { files: withProbe(r.deps.settings, files, hash), hash };
  } catch (e) {
    throw new AgentError("CONFIG_WRITE_FAILED", `rendering failed: ${messageOf(e)}`);
  }
}

/** Step: the texts and sidecars stored, the manifest made (a candidate, or a bisection trial). */
async function stage(
  r: Round,
  files: RenderedFile[],
  state: Map<string, Rec>,
  hash: string,
  cause: Record<string, unknown>,
): Promise<Staged> {
  try {
    return await r.deps.generations.stage(files, state, hash, cause);
  } catch (e) {
    throw new AgentError("CONFIG_WRITE_FAILED", `cannot write generation: ${messageOf(e)}`);
  }
}

/** Step: `nginx -t`; a failure refuses the group it points at, or the one bisection finds. */
async function test(r: Round, staged: Staged): Promise<"passed" | "refused"> {
  await r.deps.generations.tree(staged).catch(async (e) => {
    await r.deps.generations.discard(staged.path);
    throw new AgentError("CONFIG_WRITE_FAILED", `cannot write generation: ${messageOf(e)}`);
  });
  const t = await r.deps.nginx.test(staged.path).catch(async (e) => {
    await r.deps.generations.discard(staged.path);
    throw e;
  });
  if (t.skipped) r.warnings.push(t.skipped);
  if (!t.includeFound) {
    r.warnings.push(
      "nginx.conf does not include this agent's directory: nginx will not serve it (see `agent doctor`)",
    );
  }
  if (t.ok) return "passed";
  const mapped = mapNginxError(t.output, staged.path, staged.manifest);
  await r.deps.generations.discard(staged.path);
  const output = relabelCandidate(t.output, staged.path);
  const named = mapped.entity ? r.plan.owner(entityId(mapped.entity.kind, mapped.entity.name)) : "";
  const c = r.plan.remaining.has(named)
    ? { group: named, output, mapped }
    : await findCulprit(r.plan, mapped, output, (k, order) => trial(r, order, k));
  r.plan.refuse(c.group, {
    code: "NGINX_TEST_FAILED",
    message: `nginx -t refused ${c.group.replace("/", " ")}: ${c.mapped.message}`,
    nginx_output: c.output,
    file: c.mapped.file,
    line: c.mapped.line,
  });
  return "refused";
}

/** `nginx -t` of the candidate with only the first `k` groups, in a directory thrown away. */
async function trial(r: Round, order: string[], k: number): Promise<Trial> {
  const state = r.plan.withFirst(order, k);
  const files = r.render(state);
  const staged = await stage(r, files, state, configHash(files), { bisect: k });
  try {
    const t = await r.deps.nginx.test(await r.deps.generations.tree(staged));
    return {
      ok: t.ok,
      output: relabelCandidate(t.output, staged.path),
      mapped: mapNginxError(t.output, staged.path, staged.manifest),
    };
  } finally {
    await r.deps.generations.discard(staged.path);
  }
}

/** Step: the proven tree becomes generation n, and `current` points at it. */
async function install(r: Round, staged: Staged): Promise<number> {
  let n: number | null = null;
  try {
    n = await r.deps.generations.commit(staged);
    r.crash("after-generation-write");
    await r.deps.generations.swap(n);
    r.crash("after-swap");
    return n;
  } catch (e) {
    // A generation that never served goes, its backup included.
    if (n !== null) await r.deps.generations.drop(n).catch(() => {});
    await r.deps.generations.discard(staged.path);
    throw new AgentError("CONFIG_WRITE_FAILED", `cannot install generation: ${messageOf(e)}`);
  }
}

type Loaded = { ok: true; reloaded: boolean } | { ok: false; fatal?: AgentError; retry?: true };

/** `same`: nginx serves this text already (no reload). */
type Candidate = { files: RenderedFile[]; hash: string; sandboxed: boolean; same: boolean };

/** Step: reload and prove; on failure `current` goes back, the full test finds a sandboxed culprit. */
async function reload(r: Round, n: number, prev: number | null, cand: Candidate): Promise<Loaded> {
  const nginx = r.deps.nginx;
  if (cand.same || nginx.dryRun || (await nginx.masterPid()) === null) {
    if (!cand.same && !nginx.dryRun) {
      r.warnings.push(`nginx is not running: it will load generation ${n} when it starts`);
    }
    return { ok: true, reloaded: false };
  }
  // Reload-free upstreams: the new workers find the candidate's members (a push
  // the old workers cannot take is fine: nginx reads the seed file as it reloads).
  await r.deps.peers?.beforeReload(r.plan.state).catch(() => {});
  // A reload that throws proves nothing either: nginx may still run the previous generation.
  const res = await r.live.reload(cand.hash).catch((e) => ({ ok: false, output: messageOf(e) }));
  if (res.ok) {
    r.crash("after-reload");
    return { ok: true, reloaded: true };
  }
  const restoring = await swapBack(r.deps.generations, n, prev);
  if (restoring === null && cand.sandboxed) {
    const staged = await stage(r, cand.files, r.plan.state, cand.hash, { retest: n });
    if ((await test(r, staged)) === "refused") return { ok: false, retry: true };
    await r.deps.generations.discard(staged.path);
  }
  for (const g of [...r.plan.remaining]) {
    r.plan.refuse(g, {
      code: "NGINX_RELOAD_FAILED",
      message: `nginx reload failed: ${res.output}`,
      nginx_output: res.output,
    });
  }
  if (restoring === null) return { ok: false };
  return {
    ok: false,
    fatal: new AgentError(
      "CONFIG_WRITE_FAILED",
      `nginx reload failed: ${res.output}; additionally, ${restoring}`,
      { nginx_output: res.output },
    ),
  };
}
