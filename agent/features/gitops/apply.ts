// Apply: the plan's writes as one store write (in as few atomic batches as KV
// allows), then one reconciler round: one generation, one reload. An entity the
// plan refused is left out alone; one that nginx -t or a verifier refuses is
// put back by the reconciler alone. Nothing else is touched. Kinds whose API
// does more than store a record (kindEffects) get the same: their checks before
// the batch, their own writer (a project's service, a certificate's certbot
// run) beside it in the same round, or their after-write step (a proxy's
// certificate), each reported per entity in `effects`.
import type { Runtime } from "../../runtime.ts";
import type { WriteOp } from "../../store/store.ts";
import { asAgentError } from "../../errors.ts";
import { kindEffects } from "../../changes/effects.ts";
import { writeInBatches } from "../resilience/batch.ts";
import { evaluate } from "./plan.ts";
import type { ApplyResult, Effect, LintError, PlanRequest } from "./model.ts";

export async function applyDocument(
  rt: Runtime,
  req: PlanRequest,
  actor: string,
): Promise<ApplyResult> {
  const e = await evaluate(rt, { ...req, nginxTest: false });
  const refused: LintError[] = [...e.errors];
  const effects: Effect[] = [];
  const fx = (kind: string) => rt.tryUse(kindEffects(kind));
  const at = (kind: string, name: string) => `${rt.kinds.get(kind)?.plural ?? kind}.${name}`;
  const failed = (id: string, kind: string, name: string, err: unknown): LintError => {
    const a = asAgentError(err);
    return { path: at(kind, name), code: a.code, message: a.message, entity: id };
  };
  // the kind's own checks before anything is written: a refused entity goes alone
  const dropped = new Set<string>();
  for (const p of e.puts) {
    const check = !p.owner && fx(p.kind)?.beforePut;
    if (!check) continue;
    await check(p.name, p.spec).catch((err) => {
      refused.push(failed(p.id, p.kind, p.name, err));
      dropped.add(p.id);
    });
  }
  const ownerId = (o?: { kind: string; name: string }) => o && `${o.kind}/${o.name}`;
  const puts = e.puts.filter((p) => !dropped.has(p.id) && !dropped.has(ownerId(p.owner) ?? ""));
  // kinds with their own writer are handed to it after the batch
  const own = (kind: string) => !!fx(kind)?.write;
  const ops: WriteOp[] = [
    ...e.deletes.filter((d) => !own(d.kind)).map((d): WriteOp => ({
      type: "delete",
      kind: d.kind,
      name: d.name,
      ifMatch: d.version,
    })),
    ...puts.filter((p) => !own(p.kind)).map((p): WriteOp => ({
      type: "put",
      kind: p.kind,
      name: p.name,
      spec: (({ name: _n, ...s }) => s)(p.spec),
      ...(p.version ? { ifMatch: p.version } : { ifAbsent: true }),
      ...(p.owner ? { managedBy: p.owner } : {}),
      ...(p.tenant ? { tenant: p.tenant } : {}),
    })),
  ];
  const handed = [
    ...puts.filter((p) => own(p.kind)).map((p) => ({ ...p, del: false })),
    ...e.deletes.filter((d) => own(d.kind)).map((d) => ({ ...d, spec: {}, tenant: "", del: true })),
  ];
  const base = {
    applied: [] as string[],
    deleted: [] as string[],
    unchanged: e.unchanged,
    generation: rt.reconciler.currentGeneration,
    reloaded: false,
    effects,
  };
  if (!ops.length && !handed.length) {
    return { status: refused.length ? "refused" : "unchanged", refused, ...base };
  }
  const kept: string[] = [];
  let outcome = { status: "unchanged", generation: base.generation, reloaded: false } as {
    status: string;
    generation: number | null;
    reloaded: boolean;
  };
  const batch = async () => {
    const results = await writeInBatches(rt.store, ops, { actor, action: "declarative.apply" });
    const changed = results.filter((r) => r.changed);
    const round = await rt.reconciler.submit([]);
    outcome = round;
    const byNginx = new Map(round.refused.map((r) => [r.id, r]));
    for (const r of round.refused) {
      refused.push({ path: at(r.kind, r.name), code: r.code, message: r.message, entity: r.id });
    }
    const owners = new Set(e.changes.map((c) => c.id));
    kept.push(
      ...changed.map((r) => `${r.kind}/${r.name}`)
        .filter((id) => owners.has(id) && !byNginx.has(id)),
    );
    for (const p of puts.filter((p) => !p.owner && kept.includes(p.id))) {
      const after = fx(p.kind)?.afterPut;
      if (!after) continue;
      try {
        const message = await after(p.name, p.spec, actor);
        if (message) effects.push({ entity: p.id, ok: true, message });
      } catch (err) {
        const a = asAgentError(err);
        effects.push({ entity: p.id, ok: false, code: a.code, message: a.message });
      }
    }
  };
  // as the kind's API does it; the tenant the file names owns a new one
  const hand = (h: (typeof handed)[number]) => async () => {
    const w = fx(h.kind)!.write!;
    const run = () => h.del ? w.delete(h.name, actor) : w.put(h.name, h.spec, actor);
    const tenant = !h.del && h.tenant;
    try {
      const message = await (tenant ? rt.store.tenantScope.run(tenant, run) : run());
      effects.push({ entity: h.id, ok: true, message });
      kept.push(h.id);
    } catch (err) {
      refused.push(failed(h.id, h.kind, h.name, err));
    }
  };
  // The batch and the writers of the kinds that have their own (a project's service
  // starts before its route) land in one round: one reload (round-gate.ts). Their
  // deletes come after, together again: a certificate goes once its sites are gone.
  const gate = rt.reconciler.gate;
  for (
    const group of [
      [...(ops.length ? [batch] : []), ...handed.filter((h) => !h.del).map(hand)],
      handed.filter((h) => h.del).map(hand),
    ]
  ) {
    // the writers answer their entities' refusals themselves: what throws is the batch's
    const failed = (await gate.together(group)).find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
  effects.sort((x, y) => (x.entity < y.entity ? -1 : x.entity > y.entity ? 1 : 0));
  const deleted = new Set(e.deletes.map((d) => d.id));
  return {
    status: outcome.status === "pending"
      ? "pending"
      : outcome.status === "failed" && !kept.length
      ? "failed"
      : refused.length || effects.some((x) => !x.ok)
      ? "refused"
      : "applied",
    refused,
    applied: kept.filter((id) => !deleted.has(id)).sort(),
    deleted: kept.filter((id) => deleted.has(id)).sort(),
    unchanged: e.unchanged,
    generation: rt.reconciler.currentGeneration ?? outcome.generation,
    reloaded: outcome.reloaded,
    effects,
  };
}
