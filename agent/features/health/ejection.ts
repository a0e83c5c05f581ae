// Ejections: the members the health job took out of their pool, one record per
// pool (kind "ejection", written only by the agent, audited like any write).
// The render extension marks them `down` in the pool it renders, so an ejection
// goes through the normal pipeline (nginx -t, swap, reload) and survives a
// restart with the state. The pool records themselves are never touched: an
// operator's own `down: true` stays theirs.
import { z } from "zod";
import type { Kind } from "../../kind.ts";
import { invalid } from "../../errors.ts";
import { entityName } from "../../model/grammar.ts";
import { parseWith } from "../../model/validate.ts";
import { recordMeta } from "../../model/record.ts";
import { type RenderExtension, StateView } from "../../render/files.ts";
import type { Member, PoolSpec } from "../../kinds/pool/schema.ts";
import type { Rec } from "../../store/store.ts";

export const EJECTION_KIND = "ejection";

const EjectedSchema = z.strictObject({
  address: z.string().min(1).max(1100),
  since: z.string(),
  reason: z.string().max(1024),
});

export const EjectionSchema = z.strictObject({
  name: z.string().optional(),
  members: z.array(EjectedSchema).max(1000),
  ...recordMeta,
});

export type Ejected = z.output<typeof EjectedSchema>;
export interface Ejection {
  name: string;
  members: Ejected[];
}

export const ejectionKind: Kind<Ejection> = {
  name: EJECTION_KIND,
  plural: "ejections",
  internal: true,
  schema: EjectionSchema,
  parse(name, body) {
    const why = entityName(name);
    if (why) throw invalid("name", why);
    const { members } = parseWith(EjectionSchema, body);
    return { name, members };
  },
  examples: () => [{
    name: "web",
    members: [{ address: "127.0.0.1:8081", since: "2026-01-01T00:00:00.000Z", reason: "x" }],
  }],
};

/**
 * The pool as nginx serves it: ejected members down. Never all of them: when
 * the operator's own changes left only ejected members up, the first stays up
 * (the job decides the same way; this guards a pool edited in between).
 */
export function withEjections(pool: PoolSpec & Rec, ejected: Set<string>): PoolSpec & Rec {
  const up = pool.members.filter((m) => !m.down);
  const keep = up.every((m) => ejected.has(m.address)) ? up[0]?.address : undefined;
  const members: Member[] = pool.members.map((m) =>
    !m.down && ejected.has(m.address) && m.address !== keep ? { ...m, down: true } : m
  );
  return { ...pool, members };
}

export const ejectionExtension: RenderExtension = {
  name: "health-ejections",
  expand(view) {
    const ejections = view.ofKind<Ejection>(EJECTION_KIND);
    if (!ejections.length) return view;
    const records = new Map(view.records);
    for (const e of ejections) {
      const pool = view.get<PoolSpec>("pool", e.name);
      if (!pool) continue;
      records.set(
        `pool/${e.name}`,
        withEjections(pool, new Set(e.members.map((m) => m.address))),
      );
    }
    return new StateView(records);
  },
};
