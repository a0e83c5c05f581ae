// What rendering needs besides the state: settings, nginx capabilities and
// templates. Passing it in keeps every render function pure.
import type { Templates } from "./templates.ts";
import type { ListenDefaults } from "../model/listen.ts";
import type { TlsPolicy } from "./tls-profile.ts";
import type { UpstreamPlan } from "./upstream-plan.ts";

export interface NginxFeatures {
  /** nginx >= 1.25.1 wants `http2 on;` instead of `listen ... http2`. */
  http2Directive: boolean;
}

/** Reload-free upstreams as rendering sees them (agent/render/lua-upstreams.ts). */
export interface LuaUpstreams {
  /** Loopback port of the endpoint. */
  port: number;
  /** The lines last pushed, read by nginx at every configuration load (agent-written). */
  seed_file: string;
}

export interface RenderContext extends ListenDefaults {
  acme_webroot: string;
  /** The agent's data directory, where features ask nginx to write logs they read (absent: none). */
  data_dir?: string;
  features: NginxFeatures;
  templates: Templates;
  /** What a request for a host no site names gets (setting unknown_host_response). */
  unknown_host_response?: "404" | "444";
  /**
   * Whether a file a site depends on is missing (its TLS certificate or key): the
   * site is then quarantined, rendered without its TLS server (kinds/site/render.ts).
   * Absent: every file is taken to exist.
   */
  fileMissing?: (path: string) => boolean;
  /** Files of a managed certificate, or null while it is not issued (ACME feature). */
  certFiles?: (name: string) => { certificate: string; key: string } | null;
  /** The TLS profile and HSTS of HTTPS sites (settings tls_profile, hsts, hsts_max_age). */
  tls?: TlsPolicy;
  /** Reload-free upstreams are on (setting lua_upstreams, module loaded); absent: off. */
  lua_upstreams?: LuaUpstreams;
  /** Identical pools share one upstream (setting share_upstreams); absent: off. */
  share_upstreams?: boolean;
  /** Which upstream serves each pool: set by renderTree (render/upstreams.ts); absent: their own. */
  upstreams?: UpstreamPlan;
}

export function featuresFor(version: string | null): NginxFeatures {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? "");
  if (!m) return { http2Directive: false };
  const [maj, min, patch] = m.slice(1).map(Number);
  const n = maj * 1_000_000 + min * 1000 + patch;
  return { http2Directive: n >= 1_025_001 };
}
