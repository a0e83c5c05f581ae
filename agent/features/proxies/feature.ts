// The proxies feature (proxy-manager): a domain in front of an upstream in one
// call, verified through nginx after each apply, optionally with HTTPS from the
// certificates feature, and synced in bulk from a registry (on request or on a schedule).
import type { Feature } from "../../host.ts";
import { serviceKey } from "../../runtime.ts";
import { proxiesDocs, proxiesRouter } from "./api.ts";
import { compatDocs, proxiesCompatRouter, proxyManagerRouter } from "./compat.ts";
import { PROXY_KIND } from "./model.ts";
import { proxyKind } from "./kind.ts";
import { proxiesVerifier } from "./verifier.ts";
import { proxyView } from "./view.ts";
import { resolveSource, SYNC_QUEUE, syncFromRegistry } from "./sync.ts";
import { proxyCommands } from "./cli.ts";
import { proxyEffects } from "./effects.ts";
import { kindEffects } from "../../changes/effects.ts";
import { PROXIES_SETTINGS } from "./settings.ts";
import { CERTS_SETTINGS } from "../certs/settings.ts";

type SyncRun = { at: string; synced: number; skipped: number } | { at: string; error: string };

/** The last scheduled registry sync, for the health endpoint. */
const LAST_SYNC = serviceKey<{ last: SyncRun | null }>("proxies.last-sync");

export const proxiesFeature: Feature = {
  name: "proxies",
  setup(host) {
    const h = host.settings(PROXIES_SETTINGS).uses(CERTS_SETTINGS);
    h.kind(proxyKind);
    h.verify(proxiesVerifier);
    h.route({ prefix: "proxies", make: proxiesRouter, docs: proxiesDocs });
    // proxy-manager's own URLs (drop-in): same code, the seed's field names.
    h.route({
      prefix: "compat-proxies",
      at: "/proxies",
      make: proxiesCompatRouter,
      docs: compatDocs,
    });
    h.route({
      prefix: "compat-proxy-manager",
      at: "/proxy-manager",
      make: (rt) => proxyManagerRouter(rt, () => host.healthSections),
    });
    h.provide(kindEffects(PROXY_KIND), proxyEffects);
    h.provide(LAST_SYNC, () => ({ last: null }));
    h.provide(SYNC_QUEUE, () => ({ tail: Promise.resolve() }));
    h.health(async (rt) => {
      const views = (await rt.store.list(PROXY_KIND)).map((r) => proxyView(rt, r));
      const inactive = views.filter((v) => v.status !== "active").map((v) => v.name);
      const sync = rt.use(LAST_SYNC).last;
      return {
        name: "proxies",
        value: {
          total: views.length,
          active: views.length - inactive.length,
          inactive,
          ssl_enabled: views.filter((v) => v.ssl_enabled).length,
          registry_sync: sync,
        },
        degraded: sync !== null && "error" in sync,
      };
    });
    h.job({
      name: "registry-sync",
      oncePerFleet: true, // it writes the shared state: the fleet's controller runs it
      // Only on a schedule when a registry is configured; on demand otherwise.
      every: (rt) => rt.settings.registry_url ? rt.settings.registry_sync_interval : 0,
      firstAfterSeconds: 0,
      async run(rt) {
        const at = new Date().toISOString();
        try {
          const r = await syncFromRegistry(rt, resolveSource(rt, {}), "scheduler");
          rt.use(LAST_SYNC).last = { at, synced: r.synced_count, skipped: r.skipped_count };
          rt.log(
            `proxies: registry sync: ${r.synced_count} synced, ${r.skipped_count} skipped` +
              (r.skipped.length
                ? ` (${r.skipped.slice(0, 5).map((x) => `${x.name}: ${x.reason}`).join("; ")})`
                : ""),
          );
        } catch (e) {
          rt.use(LAST_SYNC).last = { at, error: (e as Error).message };
          throw e;
        }
      },
    });
    h.command(...proxyCommands);
  },
};
