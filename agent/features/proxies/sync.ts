// Registry sync: every valid, healthy entry of a registry becomes (or updates)
// a proxy. All of them are written before one reconciler submit, so a sync of
// 500 services costs one nginx -t and one reload. One Deno KV atomic operation
// takes at most 1000 mutations and 100 checks (the store checks each record),
// so the writes are chunked, each proxy's three records in the same chunk (a
// proxy never lands half-written); the one apply then sees all chunks at once.
import { AgentError } from "../../errors.ts";
import type { ApplyOutcome } from "../../nginx/reconciler.ts";
import type { Rec, Store, WriteOp, WriteResult } from "../../store/store.ts";
import { parseProxy, PROXY_KIND, type ProxySpec } from "./model.ts";
import { proxyOps, type StateLookup } from "./changes.ts";
import { checkUpstream, mapLimit, unhealthy } from "./upstream-check.ts";
import { readRegistry, registryFieldNames, type RegistrySource } from "./registry.ts";
import { packBatches } from "../../store/batches.ts";
import type { ProxiesRuntime } from "./settings.ts";
import { writeChange } from "../../changes/apply.ts";
import { serviceKey } from "../../runtime.ts";

export interface SyncResult {
  source: string;
  format: "json" | "toml";
  synced: string[];
  synced_count: number;
  skipped: { name: string; reason: string }[];
  skipped_count: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  apply: ApplyOutcome | { status: "unchanged" };
}

/** Fields a registry entry sets; the rest of an existing proxy (SSL, email) is kept. */
const FROM_REGISTRY = [
  "domain",
  "upstream_host",
  "upstream_port",
  "health_path",
  "require_healthy",
  "description",
];
const KEPT = ["description", "require_healthy", "enable_ssl", "email", "health_path"];

/** Mutations per write, well under the 1000 of one atomic (records, claims, audit). */
const MAX_MUTATIONS = 600;

/** The sync in progress of an agent (the proxies feature provides it). */
export const SYNC_QUEUE = serviceKey<{ tail: Promise<unknown> }>("proxies.sync-queue");

export function resolveSource(rt: ProxiesRuntime, body: RegistrySource): RegistrySource {
  if (body.url !== undefined && body.file !== undefined) {
    throw new AgentError("VALIDATION_FAILED", "url: give either url or file, not both", {
      field: "url",
    });
  }
  if (body.url !== undefined) {
    if (typeof body.url !== "string" || !/^https?:\/\/\S+$/.test(body.url)) {
      throw new AgentError("VALIDATION_FAILED", "url: must be an http:// or https:// URL", {
        field: "url",
      });
    }
    return { url: body.url };
  }
  if (body.file !== undefined) {
    if (typeof body.file !== "string" || !body.file.startsWith("/")) {
      throw new AgentError("VALIDATION_FAILED", "file: must be an absolute path", {
        field: "file",
      });
    }
    return { file: body.file };
  }
  const d = rt.settings.registry_url;
  if (!d) {
    throw new AgentError(
      "VALIDATION_FAILED",
      "url: no registry given and the setting registry_url is empty",
      { field: "url" },
    );
  }
  return /^https?:\/\//.test(d) ? { url: d } : { file: d };
}

/** One sync at a time per agent (a scheduled one and a requested one queue up). */
export function syncFromRegistry(
  rt: ProxiesRuntime,
  src: RegistrySource,
  actor: string,
): Promise<SyncResult> {
  const q = rt.use(SYNC_QUEUE);
  const next = q.tail.then(() => runSync(rt, src, actor), () => runSync(rt, src, actor));
  q.tail = next.catch(() => {});
  return next;
}

async function runSync(
  rt: ProxiesRuntime,
  src: RegistrySource,
  actor: string,
): Promise<SyncResult> {
  const s = rt.settings;
  const reg = await readRegistry(src, s.registry_timeout);
  const skipped: { name: string; reason: string }[] = [];
  const existing = new Map((await rt.store.list(PROXY_KIND)).map((r) => [r.name, r]));

  // 1. Validation: each entry alone.
  const valid: ProxySpec[] = [];
  const seen = new Map<string, string>();
  for (const e of reg.entries) {
    const label = typeof e.name === "string" && e.name ? e.name : e.at;
    if (e.problem) {
      skipped.push({ name: label, reason: e.problem });
      continue;
    }
    if (typeof e.name !== "string" || !e.name) {
      skipped.push({ name: label, reason: `${e.at}.name: must be a string` });
      continue;
    }
    if (seen.has(e.name)) {
      skipped.push({
        name: label,
        reason: `name: listed twice in the registry (first at ${seen.get(e.name)})`,
      });
      continue;
    }
    seen.set(e.name, e.at);
    const cur = existing.get(e.name);
    const body: Record<string, unknown> = {};
    for (const k of KEPT) if (cur && cur[k] !== undefined) body[k] = cur[k];
    for (const k of FROM_REGISTRY) if (e.body[k] !== undefined) body[k] = e.body[k];
    try {
      valid.push(parseProxy(e.name, body));
    } catch (err) {
      skipped.push({ name: label, reason: registryFieldNames((err as Error).message) });
    }
  }

  // 2. Health of the upstreams, in parallel with a bound.
  const health = await mapLimit(valid, s.registry_health_concurrency, async (p) => {
    if (!p.require_healthy) return null;
    const c = await checkUpstream(p, s.proxy_health_timeout);
    return c.ok ? null : unhealthy(p.name, c, s.proxy_health_timeout).message;
  });
  const healthy = valid.filter((p, i) => {
    if (health[i] === null) return true;
    skipped.push({ name: p.name, reason: health[i]! });
    return false;
  });

  // 3. Rules across entities, against the state and the entries before it.
  const sites = new Map((await rt.store.list("site")).map((r) => [r.name, r]));
  const pools = new Map((await rt.store.list("pool")).map((r) => [r.name, r]));
  const claimed = new Map<string, string>();
  const look: StateLookup = {
    get: (kind, name) =>
      (kind === "site" ? sites : kind === "pool" ? pools : existing).get(name) ??
        null,
    claimOwner: async (key) => claimed.get(key.join("\0")) ?? await rt.store.indexOwner(key),
  };
  const groups: { name: string; ops: WriteOp[] }[] = [];
  for (const p of healthy) {
    try {
      const ops = await proxyOps(look, p, s);
      for (const op of ops) {
        if (op.type === "put") {
          for (const c of rt.store.claimsOf(op.kind, { ...op.spec, name: op.name })) {
            claimed.set(c.join("\0"), `site/${p.name}`);
          }
        }
      }
      groups.push({ name: p.name, ops });
    } catch (err) {
      skipped.push({ name: p.name, reason: (err as Error).message });
    }
  }

  // 4. Writes in chunks that keep each proxy whole, then one apply.
  const results: WriteResult[] = [];
  const writeGroups = (gs: typeof groups) =>
    writeChange(rt, () => ({
      ops: gs.flatMap((g) => g.ops),
      actor,
      action: "proxy.sync",
    }));
  for (const chunk of packBatches(groups, (g) => [mutationsOf(rt.store, g)], [MAX_MUTATIONS])) {
    try {
      results.push(...(await writeGroups(chunk)));
    } catch (err) {
      if (!(err instanceof AgentError)) throw err;
      // Something changed meanwhile (a domain taken): write the rest one by one.
      for (const g of chunk) {
        try {
          results.push(...(await writeGroups([g])));
        } catch (e) {
          skipped.push({ name: g.name, reason: (e as Error).message });
        }
      }
    }
  }
  const written = new Set(
    results.filter((r) => r.kind === PROXY_KIND).map((r) => r.name),
  );
  const changedNames = new Set(results.filter((r) => r.changed).map((r) => nameOf(r)));
  const created = results.filter((r) => r.kind === PROXY_KIND && r.created).map((r) => r.name);
  let apply: SyncResult["apply"] = { status: "unchanged" };
  if (results.some((r) => r.changed)) {
    // Ids left out on purpose: refusals come back in the outcome, one per proxy.
    apply = await rt.reconciler.submit([]);
    for (const ref of apply.refused) {
      const name = ref.kind === PROXY_KIND ? ref.name : null;
      if (name && written.delete(name)) skipped.push({ name, reason: ref.message });
    }
  }
  const synced = [...written].sort();
  const syncedSet = new Set(synced);
  skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    source: reg.source,
    format: reg.format,
    synced,
    synced_count: synced.length,
    skipped,
    skipped_count: skipped.length,
    created: created.filter((n) => syncedSet.has(n)).sort(),
    updated: synced.filter((n) => changedNames.has(n) && !created.includes(n)),
    unchanged: synced.filter((n) => !changedNames.has(n)),
    apply,
  };
}

function nameOf(r: WriteResult | Rec): string {
  const m = (r as WriteResult).after?.managed_by ?? (r as WriteResult).before?.managed_by;
  return m?.kind === PROXY_KIND ? m.name : r.name;
}

/** Mutations of one proxy's records: each record (usually one chunk), its claims, an audit entry and its pending marker. */
function mutationsOf(store: Store, g: { ops: WriteOp[] }): number {
  return g.ops.reduce(
    (n, op) =>
      n + 4 +
      2 * (op.type === "put" ? store.claimsOf(op.kind, { ...op.spec, name: op.name }).length : 0),
    0,
  );
}
