// Golden-file cases for rendering: tests/golden/<case>.json holds a state (pool
// and site bodies as an API client sends them) and tests/golden/<case>.conf the
// nginx text the agent renders from it. Records go through parsePool/parseSite,
// exactly as the API stores them, so defaults are filled in.
import { parsePool } from "../../agent/kinds/pool/schema.ts";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { featuresFor, type RenderContext } from "../../agent/render/context.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import { COMMON_FILE, type RenderedFile, renderTree } from "../../agent/render/tree.ts";
import type { Rec } from "../../agent/store/store.ts";

export const GOLDEN_DIR = new URL("../golden/", import.meta.url).pathname;

/** Certificate paths in cases live here; the nginx -t test points them at real files. */
export const TLS_PLACEHOLDER_DIR = "/etc/switchyard-golden/tls/";

export interface GoldenCase {
  /** What the case shows (not rendered). */
  description: string;
  /** nginx version the features are derived from (default 1.22.1, the CI machines'). */
  nginx_version?: string;
  pools?: Record<string, unknown>;
  sites?: Record<string, unknown>;
  /** Managed certificates (tls.cert) that are issued, with their files. */
  issued_certs?: Record<string, { certificate: string; key: string }>;
  /** Include the common file (00-switchyard.conf) in the .conf. */
  show_common?: boolean;
}

export function caseNames(): string[] {
  return [...Deno.readDirSync(GOLDEN_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => e.name.slice(0, -5))
    .sort();
}

export function loadCase(name: string): GoldenCase {
  return JSON.parse(Deno.readTextFileSync(`${GOLDEN_DIR}${name}.json`));
}

export function contextFor(c: GoldenCase): RenderContext {
  return {
    http_port: 80,
    https_port: 443,
    bind_address: "",
    acme_webroot: "/var/lib/agent/acme",
    features: featuresFor(c.nginx_version ?? "1.22.1"),
    templates: makeTemplates(),
    certFiles: (name) => c.issued_certs?.[name] ?? null,
  };
}

/** The records the API would store for the case (fixed meta: rendering must not depend on it). */
export function recordsFor(c: GoldenCase): Map<string, Rec> {
  const meta = {
    version: 1,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
  };
  const out = new Map<string, Rec>();
  for (const [name, body] of Object.entries(c.pools ?? {})) {
    out.set(`pool/${name}`, { ...parsePool(name, body), ...meta } as Rec);
  }
  for (const [name, body] of Object.entries(c.sites ?? {})) {
    out.set(`site/${name}`, { ...parseSite(name, body), ...meta } as Rec);
  }
  return out;
}

export function renderCase(c: GoldenCase): RenderedFile[] {
  return renderTree(recordsFor(c), contextFor(c));
}

/** The .conf text: every rendered file under a `=== <file name>` header. */
export function goldenText(c: GoldenCase, files: RenderedFile[]): string {
  return files
    .filter((f) => c.show_common || f.name !== COMMON_FILE)
    .map((f) => `=== ${f.name}\n${f.text.endsWith("\n") ? f.text : f.text + "\n"}`)
    .join("\n");
}
