// A proxy in a declarative file is written in the apply's batch (with its site
// and pool), around which the proxies API's own checks run: require_healthy
// before the write (UPSTREAM_UNHEALTHY refuses it, nothing written), and for
// enable_ssl the certificate's issuance after the commit.
import type { KindEffects } from "../../changes/effects.ts";
import { requireHealthy } from "./changes.ts";
import { issueProxyCertificate } from "./ssl.ts";
import type { ProxySpec } from "./model.ts";
import type { ProxiesRuntime } from "./settings.ts";

export function proxyEffects(rt: ProxiesRuntime): KindEffects {
  return {
    beforePut: (name, spec) =>
      requireHealthy({ ...spec, name } as ProxySpec, rt.settings.proxy_health_timeout),
    async afterPut(name, spec, actor) {
      const p = { ...spec, name } as ProxySpec;
      if (!p.enable_ssl) return null;
      const r = await issueProxyCertificate(rt, p, { actor });
      return r.certbot_ran
        ? `certificate issued by certbot (${r.reason})`
        : `certificate kept: ${r.reason}`;
    },
  };
}
