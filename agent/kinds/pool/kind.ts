// The pool kind: a named set of members rendered as one nginx `upstream`.
import type { Kind } from "../../kind.ts";
import { confFileName } from "../../render/files.ts";
import { poolView, sharedView } from "./render.ts";
import { blame } from "../blame.ts";
import { parsePool, type Pool, PoolSpecSchema } from "./schema.ts";

export type { Pool } from "./schema.ts";
import { poolExamples } from "./examples.ts";
import { poolFromTree } from "./parse.ts";
import { POOL_SECRET_FIELDS } from "./credentials.ts";

export const POOL_KIND = "pool";

export const poolKind: Kind<Pool> = {
  name: POOL_KIND,
  plural: "pools",
  schema: PoolSpecSchema,
  parse: parsePool,
  render: (p, _view, ctx) => ({
    name: confFileName(POOL_KIND, p.name),
    text: ctx.templates.render("upstream.conf.eta", {
      ...poolView(p, ctx.lua_upstreams !== undefined),
      ...sharedView(p.name, ctx.upstreams?.sharedOf(p.name) ?? null),
    }),
    entity: blame(p, POOL_KIND),
  }),
  parseBack: poolFromTree,
  links: (p) =>
    p.source_nanio_pool
      ? [{ kind: POOL_KIND, name: p.source_nanio_pool, field: "source_nanio_pool" }]
      : [],
  // nanio credentials: sealed before every write (credentials.ts), masked in every answer.
  secrets: POOL_SECRET_FIELDS,
  examples: poolExamples,
};
