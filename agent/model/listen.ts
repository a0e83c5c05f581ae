// Where a site listens once defaults are applied: shared by rendering and by the
// server-name uniqueness rule, so both see the same ports.
import type { SiteSpec } from "../kinds/site/schema.ts";

export interface ListenDefaults {
  http_port: number;
  https_port: number;
  bind_address: string;
}

export interface EffectiveListen {
  address?: string;
  port: number;
  ssl: boolean;
  http2: boolean;
  default_server: boolean;
}

export function effectiveListens(
  site: Pick<SiteSpec, "listen" | "tls">,
  d: ListenDefaults,
  tlsAvailable = site.tls !== undefined,
): EffectiveListen[] {
  const addr = (a?: string) => a ?? (d.bind_address || undefined);
  if (site.listen.length === 0) {
    const out: EffectiveListen[] = [
      { address: addr(), port: d.http_port, ssl: false, http2: false, default_server: false },
    ];
    if (tlsAvailable) {
      out.push({
        address: addr(),
        port: d.https_port,
        ssl: true,
        http2: true,
        default_server: false,
      });
    }
    return out;
  }
  return site.listen
    .filter((l) => tlsAvailable || !l.ssl)
    .map((l) => ({ ...l, address: addr(l.address) }));
}
