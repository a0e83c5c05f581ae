// Pool -> nginx upstream block.
import type { PoolSpec } from "./schema.ts";
import { balancerCall, luaBalanced } from "../../render/lua-upstreams.ts";
import type { SharedUpstream } from "../../render/upstream-plan.ts";
import { confFileName } from "../../render/files.ts";

/** Upstream names are prefixed so they never collide with the operator's own. */
export function upstreamName(pool: string): string {
  return `sy_${pool}`;
}

export interface PoolView {
  name: string;
  description: string;
  upstream: string;
  method: string;
  servers: string[];
  keepalive: number;
  /** Reload-free upstreams: the balancer's Lua call, the members being in nginx's memory. */
  balancer?: string;
}

/** `lua`: reload-free upstreams are on (lua_upstreams); balanced pools render no member. */
export function poolView(p: PoolSpec & { name: string }, lua = false): PoolView {
  if (lua && luaBalanced(p)) {
    return {
      name: p.name,
      description: p.description.replace(/[\r\n]+/g, " "),
      upstream: upstreamName(p.name),
      method: "",
      // nginx wants one server; the balancer sets the peer of every request.
      servers: ["0.0.0.1"],
      keepalive: p.keepalive,
      balancer: balancerCall(p.name),
    };
  }
  const method = p.lb_method === "least_conn"
    ? "least_conn"
    : p.lb_method === "ip_hash"
    ? "ip_hash"
    : p.lb_method === "hash"
    ? `hash ${p.hash_key}${p.hash_consistent ? " consistent" : ""}`
    : "";
  const servers = p.members.map((m) => {
    const parts = [m.address];
    if (m.weight !== 1) parts.push(`weight=${m.weight}`);
    if (m.max_fails !== 1) parts.push(`max_fails=${m.max_fails}`);
    if (m.fail_timeout !== "10s") parts.push(`fail_timeout=${m.fail_timeout}`);
    if (m.backup) parts.push("backup");
    if (m.down) parts.push("down");
    return parts.join(" ");
  });
  if (servers.length === 0) {
    // nginx refuses an empty upstream; a down placeholder makes requests get 502.
    servers.push("127.0.0.1:9 down");
  }
  return {
    name: p.name,
    description: p.description.replace(/[\r\n]+/g, " "),
    upstream: upstreamName(p.name),
    method,
    servers,
    keepalive: p.keepalive,
  };
}

/** Pools named in the holder's comment (the rest are counted): its file stays small. */
const SHARES_LISTED = 10;

/**
 * What a pool's file says of a shared upstream (render/upstreams.ts): the first
 * pool holds the block under the shared name, the others only name it.
 */
export function sharedView(pool: string, s: SharedUpstream | null): {
  upstream?: string;
  shares?: string;
  served_by?: { holder: string; upstream: string; file: string };
} {
  if (!s) return {};
  const holder = s.pools[0];
  if (holder !== pool) {
    return { served_by: { holder, upstream: s.name, file: confFileName("pool", holder) } };
  }
  const more = s.pools.length - SHARES_LISTED;
  const listed = s.pools.slice(0, SHARES_LISTED).join(", ");
  return { upstream: s.name, shares: more > 0 ? `${listed} and ${more} more` : listed };
}
