// What GET /api/proxies shows: the record plus what nginx really does with it.
import type { Rec } from "../../store/store.ts";
import { sameRecord } from "../../nginx/reconciler.ts";
import { PROXY_KIND, type ProxySpec } from "./model.ts";
import type { ProxiesRuntime } from "./settings.ts";

export interface ProxyView extends Record<string, unknown> {
  /** active: nginx serves this version of the proxy; inactive: not (yet). */
  status: "active" | "inactive";
  /** HTTPS is served with the proxy's certificate. */
  ssl_enabled: boolean;
  site: string;
  pool: string;
  url: string;
}

export function proxyView(rt: ProxiesRuntime, rec: Rec): Rec & ProxyView {
  const p = rec as unknown as ProxySpec;
  const served = rt.reconciler.applied.get(`${PROXY_KIND}/${rec.name}`);
  const ssl = p.enable_ssl && (rt.renderContext().certFiles?.(p.name) ?? null) !== null;
  const s = rt.settings;
  const port = ssl ? s.https_port : s.http_port;
  const dflt = ssl ? 443 : 80;
  return {
    ...rec,
    status: served && sameRecord(served, rec) ? "active" : "inactive",
    ssl_enabled: ssl,
    site: rec.name,
    pool: rec.name,
    url: `${ssl ? "https" : "http"}://${p.domain}${port === dflt ? "" : `:${port}`}/`,
  };
}
