// Plan: what a declarative document would change, computed from the kinds
// alone: each kind's parse (its zod schema), its refs, the store's claims, and
// the real renderer with `nginx -t` of the candidate in a scratch generation
// (the reconciler's validateDesired). Nothing is written. Every problem refuses
// only its own entity, named by its field path.
import { AgentError } from "../../errors.ts";
import { byKind, errorOf, split } from "./lint-error.ts";
import type { AnyKind } from "../../kind.ts";
import type { Runtime } from "../../runtime.ts";
import { entityId, jsonEqual, type Rec, specOf } from "../../store/store.ts";
import { validateDesired } from "../../nginx/validate.ts";
import { asFiled, declarativeKinds, scopeOf } from "./export.ts";
import { ownerRefusal, takeTenant } from "./owners.ts";
import { fieldDiff, fileDiffs } from "./diff.ts";
import { substituteVars } from "./vars.ts";
import {
  qualifiedName,
  qualifyBody,
  refusedQualified,
  tenantPart,
} from "../../kinds/tenant-names.ts";
import type { EntityChange, LintError, PlanRequest, PlanResult } from "./model.ts";

export interface Put {
  id: string;
  kind: string;
  name: string;
  spec: Record<string, unknown>;
  /** The version it replaces (0: created). */
  version: number;
  owner?: { kind: string; name: string };
  /** The tenant the file names for it (none: the current owner, or the request's). */
  tenant?: string;
}

export interface Evaluation extends PlanResult {
  puts: Put[];
  deletes: { id: string; kind: string; name: string; version: number }[];
  candidate: Map<string, Rec>;
}

export async function evaluate(rt: Runtime, req: PlanRequest): Promise<Evaluation> {
  const errors: LintError[] = [];
  let doc = req.document;
  if ("vars" in doc) {
    const v = substituteVars(doc, {});
    errors.push(...v.errors);
    doc = v.doc;
  }
  const kinds = declarativeKinds(rt);
  const byPlural = new Map(kinds.map((k) => [k.plural, k]));
  const scope = req.tenant ? await scopeOf(rt, req.tenant) : null;
  const current = await rt.store.all();
  // a tenant's file names its records plainly: the store's names are qualified (tenant-names.ts)
  const lookup = (kind: string, name: string) => current.get(entityId(kind, name));
  const stored = (kind: string, name: string) =>
    scope ? qualifiedName(scope.tenant, kind, name, lookup) : name;
  const only = req.only?.length
    ? new Set(
      await Promise.all(req.only.map(async (id) => {
        const { kind, name } = split(id);
        return entityId(kind, await stored(kind, name));
      })),
    )
    : null;
  const candidate = new Map(current);
  const refused = new Set<string>();
  const refuse = (err: LintError) => {
    errors.push(err);
    if (err.entity) refused.add(err.entity);
  };

  // 1. each entity alone: its kind's parse (schema and its own rules)
  const tenantOf = new Map<string, string>(); // the tenants the file names
  const parsed = new Map<string, { k: AnyKind; spec: Record<string, unknown>; at: string }>();
  const tables = new Set<string>();
  for (const [plural, table] of Object.entries(doc)) {
    const k = byPlural.get(plural);
    if (!k) {
      errors.push({
        path: plural,
        code: "VALIDATION_FAILED",
        message: `unknown table (kinds: ${kinds.map((x) => x.plural).join(", ")}; and vars)`,
      });
      continue;
    }
    tables.add(k.name);
    if (!table || typeof table !== "object" || Array.isArray(table)) {
      errors.push({
        path: plural,
        code: "VALIDATION_FAILED",
        message: "must be a table keyed by name",
      });
      continue;
    }
    for (const [plain, body] of Object.entries(table as Record<string, unknown>)) {
      const at = `${plural}.${plain}`;
      const name = await stored(k.name, plain);
      const id = entityId(k.name, name);
      if (only && !only.has(id)) continue;
      try {
        if (scope && tenantPart(plain) !== null) throw refusedQualified("name", plain);
        const owner = takeTenant(body, scope);
        if (owner.tenant) tenantOf.set(id, owner.tenant);
        const prefix = tenantPart(name);
        if (!scope && prefix !== null && prefix !== (owner.tenant ?? current.get(id)?.tenant)) {
          throw new AgentError(
            "VALIDATION_FAILED",
            `"${name}" is tenant ${prefix}'s name: say tenant = "${prefix}"`,
            { field: "tenant" },
          );
        }
        let spec = k.parse(name, owner.body, rt.settings) as Record<string, unknown>;
        if (scope && owner.body && typeof owner.body === "object") {
          const own = owner.body as Record<string, unknown>;
          const q = await qualifyBody(scope.tenant, k, plain, name, own, spec as Rec, lookup);
          spec = k.parse(name, q, rt.settings) as Record<string, unknown>;
        }
        const cur = current.get(id);
        if (scope && cur && !scope.visible(cur)) {
          throw new AgentError("CONFLICT", `the name ${k.name} "${name}" is taken: choose another`);
        }
        const refusal = scope?.admit(k.name, spec);
        if (refusal) {
          throw new AgentError(
            "FORBIDDEN",
            refusal.field ? `${refusal.field}: ${refusal.message}` : refusal.message,
            refusal.field ? { field: refusal.field } : {},
          );
        }
        if (cur?.managed_by) {
          throw new AgentError(
            "CONFLICT",
            `${k.name} "${name}" is managed by ${cur.managed_by.kind} "${cur.managed_by.name}": declare that instead`,
          );
        }
        parsed.set(id, { k, spec, at });
      } catch (e) {
        refuse(errorOf(e, at, id));
      }
    }
  }

  // 2. the candidate: file entities (and what they own) over the state
  const meta = (cur: Rec | undefined) => ({
    version: cur?.version ?? 0,
    created_at: cur?.created_at ?? "",
    updated_at: cur?.updated_at ?? "",
  });
  const ownedOf = (id: string, k: AnyKind, spec: Record<string, unknown>) =>
    (k.owned?.(spec as { name: string }) ?? []).map((o) => ({
      id: entityId(o.kind, o.spec.name),
      kind: o.kind,
      spec: o.spec as Record<string, unknown>,
      owner: split(id),
    }));
  const place = (id: string) => {
    const p = parsed.get(id)!;
    const tenant = tenantOf.get(id) ?? current.get(id)?.tenant;
    candidate.set(
      id,
      { ...p.spec, ...meta(current.get(id)), ...(tenant ? { tenant } : {}) } as Rec,
    );
    for (const o of ownedOf(id, p.k, p.spec)) {
      const held = current.get(o.id);
      const m = held?.managed_by;
      if (held && !(m && m.kind === o.owner.kind && m.name === o.owner.name)) {
        throw new AgentError(
          "CONFLICT",
          `${o.id} already exists; a ${p.k.name} needs its own ${o.kind} of that name`,
        );
      }
      candidate.set(o.id, { ...o.spec, ...meta(held), managed_by: o.owner } as Rec);
    }
  };
  const unplace = (id: string) => {
    const cur = current.get(id);
    const p = parsed.get(id);
    for (const x of [id, ...(p ? ownedOf(id, p.k, p.spec).map((o) => o.id) : [])]) {
      const c = current.get(x);
      if (c) candidate.set(x, c);
      else candidate.delete(x);
    }
    if (cur) candidate.set(id, cur);
  };
  for (const id of parsed.keys()) {
    try {
      place(id);
    } catch (e) {
      refuse(errorOf(e, parsed.get(id)!.at, id));
      parsed.delete(id);
      unplace(id);
    }
  }
  // the tenants the file names (admins' files; a tenant's file was checked in 1)
  for (const [id, tenant] of scope ? [] : tenantOf) {
    const p = parsed.get(id);
    const why = p && await ownerRefusal(rt, tenant, p.k.name, p.spec, candidate);
    if (!why) continue;
    refuse(errorOf(why, p.at, id));
    parsed.delete(id);
    unplace(id);
  }
  const deletes: Evaluation["deletes"] = [];
  if (req.prune) {
    for (const [id, rec] of current) {
      const { kind, name } = split(id);
      const k = rt.kinds.get(kind);
      if (!k || k.internal || rec.managed_by || !tables.has(kind)) continue;
      if (scope && !scope.visible(rec)) continue;
      if (only && !only.has(id)) continue;
      if (parsed.has(id) || refused.has(id)) continue;
      deletes.push({ id, kind, name, version: rec.version });
      candidate.delete(id);
      for (const [oid, o] of current) {
        if (o.managed_by?.kind === kind && o.managed_by.name === name) candidate.delete(oid);
      }
    }
  }

  // 3. references, until no refusal makes another (a refused pool refuses its sites)
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, rec] of candidate) {
      const k = rt.kinds.get(split(id).kind);
      if (!k?.refs || rec.managed_by) continue;
      for (const ref of k.refs(rec)) {
        const target = entityId(ref.kind, ref.name);
        const seen = candidate.has(target) &&
          (!scope || parsed.has(target) || scope.visible(candidate.get(target)!));
        if (seen) continue;
        const p = parsed.get(id);
        const why = `${ref.kind} "${ref.name}" does not exist` +
          (current.has(entityId(ref.kind, ref.name)) ? " (the file deletes it or refuses it)" : "");
        if (p) {
          refuse({
            path: `${p.at}.${ref.field}`,
            code: "VALIDATION_FAILED",
            message: why,
            entity: id,
          });
          parsed.delete(id);
          unplace(id);
        } else {
          // a record the file keeps needs what the file deletes: keep that one
          const gone = deletes.findIndex((d) => d.id === entityId(ref.kind, ref.name));
          if (gone < 0) continue;
          const d = deletes.splice(gone, 1)[0];
          errors.push({
            path: `${byKind(rt, d.kind)}.${d.name}`,
            code: "CONFLICT",
            message: `is still used by ${id} (${ref.field}): not deleted`,
            entity: d.id,
          });
          candidate.set(d.id, current.get(d.id)!);
        }
        changed = true;
        break;
      }
    }
  }

  // 4. uniqueness claims over the whole candidate: kept records hold theirs first
  const holders = new Map<string, string>();
  const claimKey = (c: string[]) => JSON.stringify(c);
  const order = [
    ...[...candidate.keys()].filter((id) =>
      !parsed.has(id) && !ownerInFile(candidate.get(id)!, parsed)
    ),
    ...[...candidate.keys()].filter((id) =>
      parsed.has(id) || ownerInFile(candidate.get(id)!, parsed)
    ),
  ];
  for (const id of order) {
    const rec = candidate.get(id);
    if (!rec) continue;
    const mine = rt.store.claimsOf(split(id).kind, rec);
    const clash = mine.find((c) => holders.has(claimKey(c)) && holders.get(claimKey(c)) !== id);
    const ownerId = rec.managed_by ? entityId(rec.managed_by.kind, rec.managed_by.name) : id;
    const p = parsed.get(ownerId);
    if (clash && p) {
      const holder = holders.get(claimKey(clash))!;
      const d = rt.kinds.describeClaim(clash, holder);
      let field = typeof d?.detail?.field === "string" ? d.detail.field : "";
      if (field === "server_names" && Array.isArray(rec.server_names) && !rec.managed_by) {
        field = `server_names[${(rec.server_names as string[]).indexOf(clash[2])}]`;
      }
      refuse({
        path: field && !rec.managed_by ? `${p.at}.${field}` : p.at,
        code: "CONFLICT",
        message: d?.message ?? `${clash.slice(1).join(" ")} is already claimed by ${holder}`,
        entity: ownerId,
      });
      parsed.delete(ownerId);
      unplace(ownerId);
      continue;
    }
    for (const c of mine) holders.set(claimKey(c), id);
  }

  // 5. what changes
  const changes: EntityChange[] = [];
  const puts: Put[] = [];
  let unchanged = 0;
  for (const [id, p] of parsed) {
    const cur = current.get(id);
    const { kind, name } = split(id);
    const before = cur ? asFiled(p.k, cur, rt) : undefined;
    const owned = ownedOf(id, p.k, p.spec);
    const ownedSame = owned.every((o) => {
      const c = current.get(o.id);
      return c && jsonEqual(specOf(c), o.spec) && jsonEqual(c.managed_by, o.owner);
    });
    const tenant = tenantOf.get(id);
    const moved = !!cur && !!tenant && cur.tenant !== tenant;
    if (before && jsonEqual(before, p.spec) && ownedSame && !moved) {
      unchanged++;
      continue;
    }
    changes.push({
      id,
      kind,
      name,
      action: cur ? "update" : "create",
      fields: [
        ...(moved ? [{ path: "tenant", before: cur.tenant ?? null, after: tenant }] : []),
        ...fieldDiff(before, p.spec),
      ],
    });
    const to = tenant ? { tenant } : {};
    puts.push({ id, kind, name, spec: p.spec, version: cur?.version ?? 0, ...to });
    for (const o of owned) {
      puts.push({
        id: o.id,
        kind: o.kind,
        name: o.spec.name as string,
        spec: o.spec,
        version: current.get(o.id)?.version ?? 0,
        owner: o.owner,
        ...to,
      });
    }
  }
  for (const d of [...deletes]) {
    changes.push({
      ...d,
      action: "delete",
      fields: fieldDiff(specOf(current.get(d.id)!), undefined),
    });
    for (const [oid, o] of current) {
      if (o.managed_by?.kind === d.kind && o.managed_by.name === d.name) {
        deletes.push({ id: oid, ...split(oid), version: o.version });
      }
    }
  }
  changes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // 6. the rendered nginx diff, and nginx -t of the candidate when asked
  const files = fileDiffs(rt, current, candidate);
  let nginx: PlanResult["nginx"] = null;
  if (req.nginxTest && errors.length === 0 && changes.length) {
    const t = await validateDesired(rt.reconciler.deps, candidate);
    nginx = { ok: t.ok, output: t.output };
    if (!t.ok) {
      const e = t.error?.entity;
      const id = e ? entityId(e.kind, e.name) : undefined;
      const at = id && parsed.get(id)
        ? parsed.get(id)!.at
        : id
        ? `${byKind(rt, e!.kind)}.${e!.name}`
        : "(file)";
      errors.push({
        path: at,
        code: "NGINX_TEST_FAILED",
        message: `nginx -t refused it: ${t.error?.message ?? t.output}`,
        ...(id ? { entity: id } : {}),
      });
    }
  }
  return { errors, changes, unchanged, files, nginx, puts, deletes, candidate };
}

function ownerInFile(rec: Rec, parsed: Map<string, unknown>): boolean {
  return !!rec.managed_by && parsed.has(entityId(rec.managed_by.kind, rec.managed_by.name));
}

/** The plan as the API answers it (no internal fields). */
export function planResult(e: Evaluation): PlanResult {
  return {
    errors: e.errors,
    changes: e.changes,
    unchanged: e.unchanged,
    files: e.files,
    nginx: e.nginx,
  };
}
