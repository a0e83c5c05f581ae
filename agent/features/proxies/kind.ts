// The proxy kind: one domain in front of one upstream. Its site and pool are
// separate records it owns (managed_by), so it claims nothing itself.
import type { Kind } from "../../kind.ts";
import {
  parseProxy,
  PROXY_KIND,
  proxyPool,
  proxySite,
  type ProxySpec,
  ProxySpecSchema,
} from "./model.ts";

export const proxyKind: Kind<ProxySpec> = {
  name: PROXY_KIND,
  plural: "proxies",
  schema: ProxySpecSchema,
  parse: parseProxy,
  owned: (p) => [{ kind: "pool", spec: proxyPool(p) }, { kind: "site", spec: proxySite(p) }],
  examples: () => [
    parseProxy("api", {
      domain: "api.example.com",
      upstream_host: "127.0.0.1",
      upstream_port: 9000,
    }),
    parseProxy("tls", {
      domain: "tls.example.com",
      upstream_host: "backend.internal",
      upstream_port: 8443,
      enable_ssl: true,
      require_healthy: false,
      health_path: "/status",
    }),
  ],
};
