// Registries of services a sync turns into proxies:
//  - JSON, from an http(s) URL or a file: [{name, host, port, domain,
//    health_path?, require_healthy?}] or {services: [...]};
//  - a projrouter registry.toml (a file, or a URL ending in .toml): each
//    project `name = port` becomes the proxy <name> for <name>.<global.domain>
//    to 127.0.0.1:<port>, health /health (projrouter backends serve it at their root).
// A registry that cannot be read or is not a list of services is
// REGISTRY_UNAVAILABLE; a bad entry is skipped with the field named.
import { jsonErrorWhere, tomlErrorWhere } from "../../model/parse-error.ts";
import { AgentError } from "../../errors.ts";
import { parseRegistry } from "../projects/registry-toml.ts";

export interface RegistrySource {
  url?: string;
  file?: string;
}

/** One entry as the registry gave it, before validation. */
export interface RawEntry {
  /** Where it sits in the registry, for skipped entries without a usable name. */
  at: string;
  name: unknown;
  body: Record<string, unknown>;
  /** Set when the entry cannot become a proxy whatever its fields say. */
  problem?: string;
}

function unavailable(source: string, why: string): AgentError {
  return new AgentError("REGISTRY_UNAVAILABLE", `registry ${source}: ${why}; nothing was changed`, {
    source,
  });
}

async function fetchText(url: string, timeoutS: number): Promise<{ text: string; type: string }> {
  let r: Response;
  try {
    r = await fetch(url, { signal: AbortSignal.timeout(timeoutS * 1000), redirect: "follow" });
  } catch (e) {
    const err = e as Error & { cause?: Error };
    const why = err.name === "TimeoutError"
      ? `no answer within ${timeoutS}s`
      : (err.cause?.message ?? err.message).split("\n")[0];
    throw unavailable(url, `cannot be read (${why})`);
  }
  const text = await r.text().catch(() => "");
  if (!r.ok) throw unavailable(url, `answered HTTP ${r.status}`);
  return { text, type: r.headers.get("content-type") ?? "" };
}

/** Reads the registry and returns its entries (not yet validated). */
export async function readRegistry(
  src: RegistrySource,
  timeoutS: number,
): Promise<{ source: string; format: "json" | "toml"; entries: RawEntry[] }> {
  const source = src.url ?? src.file!;
  let text: string;
  let type = "";
  if (src.url) {
    ({ text, type } = await fetchText(src.url, timeoutS));
  } else {
    try {
      text = await Deno.readTextFile(src.file!);
    } catch (e) {
      throw unavailable(src.file!, `cannot be read (${(e as Error).message})`);
    }
  }
  const isToml = /toml/i.test(type) || /\.toml(\?|$)/i.test(source);
  if (isToml) return { source, format: "toml", entries: tomlEntries(source, text) };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw unavailable(source, `is not JSON (${jsonErrorWhere(e)})`);
  }
  const list = Array.isArray(doc)
    ? doc
    : doc && typeof doc === "object" && Array.isArray((doc as { services?: unknown }).services)
    ? (doc as { services: unknown[] }).services
    : null;
  if (!list) {
    throw unavailable(source, "is not a list of services ([...] or {services: [...]})");
  }
  return {
    source,
    format: "json",
    entries: list.map((e, i) => {
      const at = `services[${i}]`;
      if (!e || typeof e !== "object" || Array.isArray(e)) {
        return { at, name: null, body: {}, problem: `${at}: must be an object` };
      }
      const o = e as Record<string, unknown>;
      const body: Record<string, unknown> = {};
      const rename: Record<string, string> = { host: "upstream_host", port: "upstream_port" };
      for (const [k, v] of Object.entries(o)) {
        if (k === "name") continue;
        body[rename[k] ?? k] = v;
      }
      return { at, name: o.name, body };
    }),
  };
}

/** Our own checks name fields (parseRegistry no longer quotes the file either). */
function registryWhy(e: unknown): string {
  const m = (e as Error).message ?? "";
  return /\n/.test(m) ? tomlErrorWhere(e) : m;
}

function tomlEntries(source: string, text: string): RawEntry[] {
  let reg;
  try {
    reg = parseRegistry(text, source);
  } catch (e) {
    throw unavailable(source, `is not a valid registry.toml (${registryWhy(e)})`);
  }
  const domain = reg.global.domain;
  return reg.projects.map((p) => ({
    at: `projects.${p.name}`,
    name: p.name,
    body: {
      upstream_host: "127.0.0.1",
      upstream_port: p.port,
      health_path: "/health",
      ...(domain ? { domain: `${p.name}.${domain}` } : {}),
    },
    ...(domain ? {} : { problem: "domain: registry.toml has no global.domain" }),
  }));
}

/** Registry field names in messages (the registry says host/port). */
export function registryFieldNames(message: string): string {
  return message.replace(/\bupstream_host\b/g, "host").replace(/\bupstream_port\b/g, "port");
}
