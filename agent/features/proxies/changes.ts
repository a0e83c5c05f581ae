// Proxy changes: a proxy, its site and its pool are written in one store write
// (so the three views never disagree) and applied by one reconciler submit.
import { AgentError } from "../../errors.ts";
import {
  parseProxy,
  PROXY_KIND,
  proxyOwner,
  proxyPool,
  proxySite,
  type ProxySpec,
} from "./model.ts";
import { siteClaims } from "../../kinds/site/refs.ts";
import type { Rec, WriteOp } from "../../store/store.ts";
import type { ChangeContext, ChangeOptions } from "../../changes/context.ts";
import { type ChangeResult, submitChange, writeChange } from "../../changes/apply.ts";
import { checkUpstream, unhealthy } from "./upstream-check.ts";
import type { ProxiesConfig } from "./settings.ts";

/** A change context whose settings hold the proxies (and certificates) rows. */
type ProxiesContext = ChangeContext & { settings: ProxiesConfig };

export function proxyNotFound(name: string): AgentError {
  return new AgentError("PROXY_NOT_FOUND", `proxy "${name}" does not exist`, {
    kind: PROXY_KIND,
    name,
  });
}

/** What the op builder reads: records by kind/name and index owners. */
export interface StateLookup {
  get(kind: string, name: string): Promise<Rec | null> | Rec | null;
  claimOwner(key: string[]): Promise<string | null> | string | null;
}

export function storeLookup(cx: ChangeContext): StateLookup {
  return {
    get: (kind, name) => cx.store.get(kind, name),
    claimOwner: (key) => cx.store.indexOwner(key),
  };
}

/**
 * The three put ops of a proxy, after the rules across entities: its site and
 * pool names are free or already its own, and its domain is not another site's.
 */
export async function proxyOps(
  look: StateLookup,
  p: ProxySpec,
  settings: ProxiesConfig,
): Promise<WriteOp[]> {
  const owner = proxyOwner(p.name);
  for (const kind of ["site", "pool"]) {
    const cur = await look.get(kind, p.name);
    const m = cur?.managed_by;
    if (cur && !(m && m.kind === owner.kind && m.name === owner.name)) {
      throw new AgentError(
        "CONFLICT",
        `${kind} "${p.name}" already exists${
          m ? ` (managed by ${m.kind} "${m.name}")` : ""
        }; a proxy needs its own site and pool of the same name: choose another name`,
        { field: "name", kind, name: p.name, holder: `${kind}/${p.name}` },
      );
    }
  }
  const site = proxySite(p);
  const claims = siteClaims(site, settings);
  for (const c of claims) {
    const holder = await look.claimOwner(c);
    if (holder && holder !== `site/${p.name}`) {
      throw new AgentError(
        "CONFLICT",
        `domain ${c[2]} on port ${c[1]} is already served by ${holder.replace("/", " ")}`,
        { field: "domain", domain: c[2], port: Number(c[1]), holder },
      );
    }
  }
  const { name: _n, ...spec } = p;
  const { name: _p, ...pool } = proxyPool(p);
  const { name: _s, ...siteSpec } = site;
  return [
    { type: "put", kind: PROXY_KIND, name: p.name, spec },
    { type: "put", kind: "pool", name: p.name, spec: pool, managedBy: owner },
    { type: "put", kind: "site", name: p.name, spec: siteSpec, managedBy: owner },
  ];
}

export interface ProxyChangeOptions extends ChangeOptions {
  /** Seconds the upstream's health path has to answer (require_healthy). */
  healthTimeout: number;
}

/** require_healthy: the upstream's health path answers 2xx before anything is written. */
export async function requireHealthy(p: ProxySpec, timeoutSeconds: number): Promise<void> {
  if (!p.require_healthy) return;
  const c = await checkUpstream(p, timeoutSeconds);
  if (!c.ok) throw unhealthy(p.name, c, timeoutSeconds);
}

export async function putProxy(
  cx: ProxiesContext,
  name: string,
  body: unknown,
  o: ProxyChangeOptions,
): Promise<ChangeResult> {
  const p = parseProxy(name, body);
  await requireHealthy(p, o.healthTimeout);
  const results = await writeChange(cx, async () => ({
    ops: (await proxyOps(storeLookup(cx), p, cx.settings)).map((op, i) =>
      i === 0 && o.ifMatch !== undefined ? { ...op, ifMatch: o.ifMatch } : op
    ),
    actor: o.actor,
    action: "proxy.put",
  }));
  return await submitChange(cx, results, 0);
}

export async function deleteProxy(
  cx: ProxiesContext,
  name: string,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const results = await writeChange(cx, async () => {
    if (!(await cx.store.get(PROXY_KIND, name))) throw proxyNotFound(name);
    const owned = async (kind: string) => {
      const m = (await cx.store.get(kind, name))?.managed_by;
      return m?.kind === PROXY_KIND && m.name === name;
    };
    const ops: WriteOp[] = [{ type: "delete", kind: PROXY_KIND, name, ifMatch: o.ifMatch }];
    for (const kind of ["site", "pool"]) {
      if (await owned(kind)) ops.push({ type: "delete", kind, name });
    }
    return { ops, actor: o.actor, action: "proxy.delete" };
  });
  return await submitChange(cx, results, 0);
}
