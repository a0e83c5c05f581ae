// What rendering needs besides the state: settings, nginx capabilities and
// templates. Passing it in keeps every render function pure.
import type { Templates } from "./templates.ts";
import type { ListenDefaults } from "../model/listen.ts";

export interface NginxFeatures {
  /** nginx >= 1.25.1 wants `http2 on;` instead of `listen ... http2`. */
  http2Directive: boolean;
}

export interface RenderContext extends ListenDefaults {
  acme_webroot: string;
  features: NginxFeatures;
  templates: Templates;
  /** Files of a managed certificate, or null while it is not issued (ACME feature). */
  certFiles?: (name: string) => { certificate: string; key: string } | null;
}

export function featuresFor(version: string | null): NginxFeatures {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? "");
  if (!m) return { http2Directive: false };
  const [maj, min, patch] = m.slice(1).map(Number);
  const n = maj * 1_000_000 + min * 1000 + patch;
  return { http2Directive: n >= 1_025_001 };
}
