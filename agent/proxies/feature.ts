// The proxies feature (proxy-manager): a domain in front of an upstream in one
// call, verified through nginx after each apply, optionally with HTTPS from the
// ACME feature, and synced in bulk from a registry (on request or on a schedule).
import type { Feature } from "../features.ts";
import type { Runtime } from "../runtime.ts";
import { proxiesRouter } from "../api/proxies.ts";
import { PROXY_KIND } from "../model/proxy.ts";
import { proxiesVerifier } from "./verifier.ts";
import { proxyView } from "./view.ts";
import { resolveSource, syncFromRegistry } from "./sync.ts";
import { Scheduler } from "../scheduler/scheduler.ts";
import { proxyCommands } from "../cli/proxies.ts";

/** Last scheduled sync per agent, for the health endpoint. */
const lastSync = new WeakMap<
  Runtime,
  { at: string; synced: number; skipped: number } | {
    at: string;
    error: string;
  }
>();

export const proxiesFeature: Feature = {
  name: "proxies",
  verifiers: (rt) => [proxiesVerifier(rt)],
  mounts: [["proxies", proxiesRouter]],
  health: [
    async (rt) => {
      const views = (await rt.store.list(PROXY_KIND)).map((r) => proxyView(rt, r));
      const inactive = views.filter((v) => v.status !== "active").map((v) => v.name);
      const sync = lastSync.get(rt) ?? null;
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
    },
  ],
  start(rt) {
    const s = new Scheduler(rt.log);
    if (rt.settings.registry_sync_interval > 0 && rt.settings.registry_url) {
      s.every("registry-sync", rt.settings.registry_sync_interval, async () => {
        const at = new Date().toISOString();
        try {
          const r = await syncFromRegistry(rt, resolveSource(rt, {}), "scheduler");
          lastSync.set(rt, { at, synced: r.synced_count, skipped: r.skipped_count });
          rt.log(
            `proxies: registry sync: ${r.synced_count} synced, ${r.skipped_count} skipped` +
              (r.skipped.length
                ? ` (${r.skipped.slice(0, 5).map((x) => `${x.name}: ${x.reason}`).join("; ")})`
                : ""),
          );
        } catch (e) {
          lastSync.set(rt, { at, error: (e as Error).message });
          throw e;
        }
      }, { firstAfterSeconds: 0 });
    }
    s.start();
    return Promise.resolve(() => s.stop());
  },
  // Read when the CLI runs (the CLI modules import the client, which imports the features).
  get commands() {
    return proxyCommands;
  },
};
