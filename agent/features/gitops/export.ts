// The desired state as one declarative document: a table per kind keyed by
// name, with the fields of the API. Records another entity owns (a proxy's site
// and pool) are left out: their owner carries them. Internal kinds too. A
// record of a tenant says so (`tenant = "ta"`, as GET shows it), so an import
// gives it back to its tenant; a tenant's export holds only that tenant's.
import type { AnyKind } from "../../kind.ts";
import type { Runtime } from "../../runtime.ts";
import { type Rec, specOf } from "../../store/store.ts";
import { AgentError } from "../../errors.ts";
import { TENANT_SCOPE, type TenantScope } from "../../api/principal.ts";

/** The kinds a declarative file may hold, in registration order. */
export function declarativeKinds(rt: Runtime): AnyKind[] {
  return rt.kinds.list().filter((k) => !k.internal);
}

/** A record as the file writes it: its tenant, then the kind's own parse order, without its name. */
export function fileSpec(k: AnyKind, rec: Rec, rt: Runtime): Record<string, unknown> {
  const spec = specOf(rec);
  const { name: _n, ...body } = k.parse(rec.name as string, spec, rt.settings) as Record<
    string,
    unknown
  >;
  return rec.tenant ? { tenant: rec.tenant, ...body } : body;
}

/** A stored record as a file would say it (the kind's parse drops what the agent writes itself). */
export function asFiled(k: AnyKind, cur: Rec, rt: Runtime): Record<string, unknown> {
  try {
    return k.parse(cur.name as string, specOf(cur), rt.settings) as Record<string, unknown>;
  } catch {
    return specOf(cur);
  }
}

export async function exportDocument(
  rt: Runtime,
  onlyKind?: string,
  tenant?: string,
): Promise<Record<string, unknown>> {
  const kinds = declarativeKinds(rt);
  const chosen = onlyKind
    ? kinds.filter((k) => k.name === onlyKind || k.plural === onlyKind)
    : kinds;
  if (onlyKind && !chosen.length) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `kind: no kind ${onlyKind} (known: ${kinds.map((k) => k.plural).join(", ")})`,
      { field: "kind" },
    );
  }
  const scope = tenant ? await scopeOf(rt, tenant) : null;
  const doc: Record<string, unknown> = {};
  for (const k of chosen) {
    const recs = (await rt.store.list(k.name)).filter((r) =>
      !r.managed_by && (!scope || scope.visible(r))
    )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!recs.length) continue;
    doc[k.plural] = Object.fromEntries(recs.map((r) => [r.name, fileSpec(k, r, rt)]));
  }
  return doc;
}

/** One tenant's scope (the tenants feature's), as of `state` when given; an agent without tenants has none. */
export async function scopeOf(
  rt: Runtime,
  tenant: string,
  state?: ReadonlyMap<string, Rec>,
): Promise<TenantScope> {
  const make = rt.tryUse(TENANT_SCOPE);
  if (!make) {
    throw new AgentError("VALIDATION_FAILED", "tenant: this agent has no tenants", {
      field: "tenant",
    });
  }
  return await make(tenant, state);
}
