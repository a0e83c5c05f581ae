// projrouter's registry.toml: read for `agent import-registry`, and written
// (when projects_registry_file is set) so scripts that read it keep working.
//
//   [global]
//   root = "/home/u/servers/projects"
//   domain = "sensorsystem.ri.se"
//   https_port = 8000
//   nginx_routes_file = "/etc/nginx/snippets/sensorsystem_routes.conf"
//
//   [projects]
//   projekt1 = 9001
import { parse, stringify } from "smol-toml";
import { AgentError } from "../../errors.ts";
import { absPath, serverName, slug } from "../../model/grammar.ts";
import { MIN_PORT } from "./model.ts";
import { tomlErrorWhere } from "../../model/parse-error.ts";

export interface Registry {
  global: {
    root?: string;
    domain?: string;
    https_port?: number;
    nginx_routes_file?: string;
  };
  projects: { name: string; port: number }[];
}

function bad(file: string, field: string, why: string): AgentError {
  return new AgentError("VALIDATION_FAILED", `${file}: ${field}: ${why}`, { field, file });
}

/** Parses and checks a registry; VALIDATION_FAILED names the file and the key. */
export function parseRegistry(text: string, file = "registry.toml"): Registry {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `${file} is not valid TOML (${tomlErrorWhere(e)})`,
      {
        field: "(file)",
        file,
      },
    );
  }
  for (const k of Object.keys(doc)) {
    if (k !== "global" && k !== "projects") {
      throw bad(file, k, "unknown section (expected [global] and [projects])");
    }
  }
  const g = (doc.global ?? {}) as Record<string, unknown>;
  if (typeof g !== "object" || Array.isArray(g)) throw bad(file, "global", "must be a table");
  const out: Registry = { global: {}, projects: [] };
  for (const [k, v] of Object.entries(g)) {
    const f = `global.${k}`;
    switch (k) {
      case "root":
      case "nginx_routes_file": {
        if (typeof v !== "string") throw bad(file, f, "must be a string");
        const why = absPath(v.replace(/\/+$/, "") || "/");
        if (why) throw bad(file, f, why);
        out.global[k] = v.replace(/\/+$/, "") || "/";
        break;
      }
      case "domain": {
        if (typeof v !== "string") throw bad(file, f, "must be a string");
        const why = serverName(v);
        if (why) throw bad(file, f, why);
        out.global.domain = v;
        break;
      }
      case "https_port": {
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535) {
          throw bad(file, f, "must be a port number 1-65535");
        }
        out.global.https_port = v;
        break;
      }
      default:
        throw bad(file, f, "unknown key (expected root, domain, https_port, nginx_routes_file)");
    }
  }
  const p = (doc.projects ?? {}) as Record<string, unknown>;
  if (typeof p !== "object" || Array.isArray(p)) throw bad(file, "projects", "must be a table");
  const ports = new Map<number, string>();
  for (const [name, port] of Object.entries(p)) {
    const f = `projects.${name}`;
    const why = slug(name);
    if (why) throw bad(file, f, `project name ${why}`);
    if (typeof port !== "number" || !Number.isInteger(port) || port < MIN_PORT || port > 65535) {
      throw bad(file, f, `must be a port number ${MIN_PORT}-65535`);
    }
    const other = ports.get(port);
    if (other) throw bad(file, f, `port ${port} is also given to ${other}`);
    ports.set(port, name);
    out.projects.push({ name, port });
  }
  out.projects.sort((a, b) => (a.name < b.name ? -1 : 1));
  return out;
}

/** A registry as projrouter writes it, with a header saying who owns the file. */
export function renderRegistry(r: Registry): string {
  const global: Record<string, string | number> = {};
  for (const k of ["root", "domain", "https_port", "nginx_routes_file"] as const) {
    const v = r.global[k];
    if (v !== undefined && v !== "") global[k] = v;
  }
  const projects = Object.fromEntries(
    [...r.projects].sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => [p.name, p.port]),
  );
  return [
    "# Written by Switchyard (setting projects_registry_file) after every project change.",
    "# Edits here are overwritten: use `agent activate NAME PORT` / `agent deactivate NAME`.",
    stringify({ global, projects }),
    "",
  ].join("\n");
}

/** Replaces the file in one rename, so a reader never sees half of it. */
export async function writeRegistry(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode: 0o644 });
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
