// Identical pools share one nginx upstream (setting share_upstreams). nginx looks
// every `upstream` and every `proxy_pass` host up by a linear scan of the
// upstreams it has read, so one upstream per pool makes a parse quadratic in the
// pools. Pools of one tenant whose upstream body renders the same (balancing,
// members and their parameters, keepalive; an ejection renders `down`, so pools
// with different health differ) become one `upstream sy_shared_<hash12>`, written
// in the file of the first of them by name; every proxy_pass naming any of them
// names it, and the others' files say where it is. A pool whose body changes
// gets its own upstream again. Never across tenants: the files and answers a
// tenant reads would name another tenant's pools. Pure.
import { createHash } from "node:crypto";
import type { StateView } from "./files.ts";
import type { RenderContext } from "./context.ts";
import { poolView, upstreamName } from "../kinds/pool/render.ts";
import { luaBalanced } from "./lua-upstreams.ts";
import type { PoolSpec } from "../kinds/pool/schema.ts";
import type { SiteSpec } from "../kinds/site/schema.ts";
import { tenantPart } from "../model/tenant-name.ts";
import type { SharedUpstream, UpstreamPlan } from "./upstream-plan.ts";

export type { SharedUpstream, UpstreamPlan } from "./upstream-plan.ts";

const SHARED_PREFIX = "sy_shared_";
/** A shared upstream's name: the prefix and 12 hex digits of its body's sha256. */
export const SHARED_RE = /^sy_shared_[0-9a-f]{12}$/;
const UPSTREAM_TEMPLATE = "upstream.conf.eta";

function plan(shared: Map<string, SharedUpstream>): UpstreamPlan {
  const byName = new Map([...shared.values()].map((s) => [s.name, s]));
  return {
    nameOf: (pool) => shared.get(pool)?.name ?? upstreamName(pool),
    sharedOf: (pool) => shared.get(pool) ?? null,
    poolsOf: (up) => byName.get(up)?.pools ?? (up.startsWith("sy_") ? [up.slice(3)] : []),
  };
}

const NO_SHARING: UpstreamPlan = plan(new Map());

/** The name a rendered proxy_pass gives a pool: shared or its own. */
export function upstreamFor(ctx: Pick<RenderContext, "upstreams">, pool: string): string {
  return ctx.upstreams?.nameOf(pool) ?? upstreamName(pool);
}

const OWN_NAME = /\bsy_([a-z0-9][a-z0-9-]*(?:__[a-z0-9][a-z0-9-]*)?)\b/g;

/**
 * Pools that keep their own upstream whatever their body: named by a route that
 * sends `Host: $proxy_host` (the upstream's name reaches the backend), or by
 * `sy_<name>` in an operator's raw directives (extra_blocks, route extra).
 */
function pinned(view: StateView): Set<string> {
  const out = new Set<string>();
  for (const s of view.ofKind<SiteSpec>("site")) {
    const raw: string[] = (s.extra_blocks ?? []).map((b) => b.content);
    for (const r of s.routes ?? []) {
      if (r.pool && r.preserve_host === false) out.add(r.pool);
      if (r.extra) raw.push(r.extra);
    }
    for (const text of raw) for (const m of text.matchAll(OWN_NAME)) out.add(m[1]);
  }
  return out;
}

/** Bodies of frozen pool records, per template set: a round asks every pool's (10,000 renders). */
const bodies = new WeakMap<object, { templates: unknown; lua: boolean; body: string }>();

/** The upstream body a pool renders, without its name and comments (its identity). */
function upstreamBody(p: PoolSpec & { name: string }, ctx: RenderContext): string {
  const lua = ctx.lua_upstreams !== undefined;
  const kept = bodies.get(p);
  if (kept && kept.templates === ctx.templates && kept.lua === lua) return kept.body;
  const body = ctx.templates.render(UPSTREAM_TEMPLATE, {
    ...poolView(p, lua),
    name: "",
    description: "",
    upstream: "sy_shared",
  });
  if (Object.isFrozen(p)) bodies.set(p, { templates: ctx.templates, lua, body });
  return body;
}

/**
 * Which pools share an upstream. Never shared: nanio pools (the S3 rendering and
 * migrations name them), pools the Lua balancer serves (their members live in
 * nginx's memory under the pool's name and change without a render), pinned
 * pools (above), and any pool when upstream.conf.eta is overridden (the
 * operator's template may render more than the block).
 */
export function planUpstreams(view: StateView, ctx: RenderContext): UpstreamPlan {
  if (!ctx.share_upstreams || ctx.templates.overridden.includes(UPSTREAM_TEMPLATE)) {
    return NO_SHARING;
  }
  const pools = view.ofKind<PoolSpec>("pool");
  if (pools.length < 2) return NO_SHARING;
  const keep = pinned(view);
  const lua = ctx.lua_upstreams !== undefined;
  const groups = new Map<string, string[]>();
  for (const p of pools) {
    if (p.type === "nanio" || keep.has(p.name) || (lua && luaBalanced(p))) continue;
    // Per tenant: a shared upstream names its pools in files and answers a tenant reads.
    const key = `${tenantPart(p.name) ?? ""}\n${upstreamBody(p, ctx)}`;
    const g = groups.get(key);
    if (g) g.push(p.name);
    else groups.set(key, [p.name]);
  }
  const shared = new Map<string, SharedUpstream>();
  const taken = new Set<string>();
  for (const [key, names] of groups) {
    if (names.length < 2) continue;
    const name = SHARED_PREFIX + createHash("sha256").update(key).digest("hex").slice(0, 12);
    // Two bodies on one 48-bit name: the second keeps its own upstreams.
    if (taken.has(name)) continue;
    taken.add(name);
    const s = { name, pools: names };
    for (const n of names) shared.set(n, s);
  }
  return shared.size ? plan(shared) : NO_SHARING;
}
