// One write of a group, staged: its If-Match and create-only rules, claims and
// audit entries decided against the state as the group leaves it so far (KV plus
// the overlay), and its mutations recorded, not yet applied. Throws the
// AgentError the write fails with; nothing of a failed write reaches the group.
import { AgentError } from "../errors.ts";
import { deleteJson, headFor, setJson } from "./kvjson.ts";
import { type AuditDraft, auditKey, newAuditId, pendingAuditKey } from "./audit.ts";
import { type Mutation, type Pending, Recorder } from "./group.ts";
import { type Rec, recordSpec as specOf, type WritePlan, type WriteResult } from "./ops.ts";
import { canonical } from "./canonical.ts";
import { tenantPart } from "../model/tenant-name.ts";

/** What staging reads of the store (KV with the group's pending writes in). */
export interface StageHost {
  pending(kind: string, name: string): Promise<Pending>;
  /** The owner of an index key as the group leaves it. */
  owner(key: string[]): Promise<string | null>;
  claimsOf(kind: string, spec: { name: string }): string[][];
  describeClaim(
    key: string[],
    holder: string,
  ): { message: string; detail?: Record<string, unknown> } | undefined;
  now: () => Date;
  /** The writer's tenant scope (a new record's tenant). */
  tenant: string | undefined;
  /** Kinds only the agent writes (their names derive from others'). */
  isInternal(kind: string): boolean;
}

export interface StagedWrite {
  results: WriteResult[];
  muts: Mutation[];
  /** Record keys whose versionstamp the commit checks (another process wrote?). */
  checks: { key: Deno.KvKey; versionstamp: string | null }[];
  /** What the overlay holds once this write is in the group. */
  recs: { kind: string; name: string; p: Pending }[];
  idx: { key: string[]; owner: string | null }[];
  changed: boolean;
}

/** A `<tenant>__<name>` is that tenant's own: nobody else may create one. */
function checkTenantName(name: string, tenant: string | undefined): void {
  const prefix = tenantPart(name);
  if (prefix === null || prefix === tenant) return;
  throw new AgentError(
    "VALIDATION_FAILED",
    `name: "${name}" is tenant ${prefix}'s qualified name: create it as "${
      name.slice(prefix.length + 2)
    }" within that tenant (?tenant=${prefix})`,
    { field: "name" },
  );
}

const REC = "rec";
const IDX = "idx";
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const entity = (kind: string, name: string) => `${kind}/${name}`;

/** Strips internal fields (index claims) from a stored record. */
export function clean(rec: Rec): Rec {
  if (!("_idx" in rec)) return rec;
  const { _idx: _i, ...r } = rec as Rec & { _idx?: unknown };
  return r as Rec;
}

export async function stageWrite(h: StageHost, plan: WritePlan): Promise<StagedWrite> {
  const { ops, actor, action, outcome, message } = plan;
  const rec = new Recorder();
  const out: StagedWrite = {
    results: [],
    muts: rec.muts,
    checks: [],
    recs: [],
    idx: [],
    changed: false,
  };
  const at = h.now().toISOString();
  const audits: AuditDraft[] = [];
  const checked = new Set<string>();
  for (const w of ops) {
    const p = await h.pending(w.kind, w.name);
    const cur = p.rec;
    const recKey = [REC, w.kind, w.name];
    if (!checked.has(w.kind + "\u0000" + w.name)) {
      checked.add(w.kind + "\u0000" + w.name);
      out.checks.push({ key: recKey, versionstamp: p.base?.versionstamp ?? null });
    }
    if (w.ifMatch !== undefined && (cur?.version ?? 0) !== w.ifMatch) {
      throw new AgentError(
        "PRECONDITION_FAILED",
        `${w.kind} "${w.name}" is at version ${cur?.version ?? "(absent)"}, not ${w.ifMatch}`,
        { kind: w.kind, name: w.name, version: cur?.version ?? null },
      );
    }
    const oldIdx = cur ? ((cur as { _idx?: string[][] })._idx ?? []) : [];
    if (w.type === "delete") {
      if (!cur) continue;
      deleteJson(rec, recKey, p.head);
      for (const k of oldIdx) {
        rec.delete([IDX, ...k]);
        out.idx.push({ key: k, owner: null });
      }
      out.recs.push({ kind: w.kind, name: w.name, p: { base: p.base, head: null, rec: null } });
      out.results.push({
        kind: w.kind,
        name: w.name,
        before: clean(cur),
        after: null,
        created: false,
        changed: true,
      });
      audits.push({
        actor,
        action,
        entity: { kind: w.kind, name: w.name },
        before: clean(cur),
        after: null,
      });
      continue;
    }
    if (w.ifAbsent && cur) {
      throw new AgentError("CONFLICT", `${w.kind} "${w.name}" already exists`, {
        kind: w.kind,
        name: w.name,
      });
    }
    const spec = { ...w.spec, name: w.name, tenant: undefined }; // a body cannot set it
    const tenant = w.tenant ?? (cur ? cur.tenant : h.tenant);
    if (!cur && !w.managedBy && !h.isInternal(w.kind)) checkTenantName(w.name, tenant);
    const newIdx = h.claimsOf(w.kind, spec);
    const sameIdx = same(oldIdx, newIdx);
    const managedSame = same(cur?.managed_by ?? null, w.managedBy ?? null) &&
      cur?.tenant === tenant;
    if (cur && managedSame && sameIdx && same(specOf(clean(cur)), spec)) {
      const c = clean(cur);
      out.results.push({
        kind: w.kind,
        name: w.name,
        before: c,
        after: c,
        created: false,
        changed: false,
      });
      continue;
    }
    const next: Rec = {
      ...spec,
      name: w.name,
      version: w.meta?.version ?? (cur?.version ?? 0) + 1,
      created_at: w.meta?.created_at ?? cur?.created_at ?? at,
      updated_at: w.meta?.updated_at ?? at,
      ...(w.managedBy ? { managed_by: w.managedBy } : {}),
      ...(tenant ? { tenant } : {}),
    } as Rec;
    // Index claims: each key must be free or already ours.
    const owner = entity(w.kind, w.name);
    for (const k of newIdx) {
      const holder = await h.owner(k);
      if (holder !== null && holder !== owner) {
        const d = h.describeClaim(k, holder);
        throw new AgentError(
          "CONFLICT",
          d?.message ?? `${k.slice(1).join(" ")} is already claimed by ${holder}`,
          { index: k[0], value: k.slice(1), holder, ...d?.detail },
        );
      }
      // No KV check here: the claim was read under the write lock, and Deno KV allows
      // only 100 checks per atomic write (a site may claim hundreds of server names).
      if (holder === owner) continue;
      rec.set([IDX, ...k], owner);
      out.idx.push({ key: k, owner });
    }
    for (const k of oldIdx) {
      if (newIdx.some((n) => same(n, k))) continue;
      rec.delete([IDX, ...k]);
      out.idx.push({ key: k, owner: null });
    }
    const stored = newIdx.length ? { ...next, _idx: newIdx } : next;
    setJson(rec, recKey, stored, p.head);
    out.recs.push({
      kind: w.kind,
      name: w.name,
      p: { base: p.base, head: headFor(stored), rec: stored },
    });
    out.results.push({
      kind: w.kind,
      name: w.name,
      before: cur ? clean(cur) : null,
      after: next,
      created: !cur,
      changed: true,
    });
    audits.push({
      actor,
      action,
      entity: { kind: w.kind, name: w.name },
      before: cur ? clean(cur) : null,
      after: next,
    });
  }
  out.changed = out.results.some((r) => r.changed);
  if (!out.changed) return out;
  for (const a of audits) {
    const id = newAuditId(h.now());
    setJson(rec, auditKey(id), {
      ...a,
      tenant: ((a.after ?? a.before) as Rec | null)?.tenant, // tenant tokens see their own
      id,
      at,
      outcome: outcome ?? "pending",
      ...(message ? { message } : {}),
    }, null);
    // resolved by the reconciler when the apply carrying this change ends
    if (!outcome) rec.set(pendingAuditKey(a.entity.kind, a.entity.name, id), true);
  }
  return out;
}
