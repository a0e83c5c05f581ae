// The plan `agent import-registry` prints: projects to activate or update, and
// the settings that differ from the registry, from the running agent's settings
// (GET /api/projects/import-context). The external hop's scheme comes from the
// operator's server block that includes the routes file (nginx -T): a routes file
// included in an HTTPS server needs an https:// projects_external_url, or every
// activation's external check gets nginx's 400 and is rolled back.
import { type Directive, parseNginx } from "../../nginx/tokenizer.ts";
import type { Exec } from "../../exec.ts";
import type { Registry } from "./registry-toml.ts";
import type { ProjectsConfig } from "./settings.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The server block that includes the routes file: its scheme and port. */
export interface ExternalHop {
  scheme: "http" | "https";
  port: number;
  /** Where the server block is, for the plan. */
  file: string;
  line: number;
}

function includes(ds: Directive[], file: string): boolean {
  return ds.some((d) =>
    (d.name === "include" && d.args.some((a) => a === file || globMatch(a, file))) ||
    (d.block !== undefined && d.name !== "server" && includes(d.block, file))
  );
}

function globMatch(pattern: string, file: string): boolean {
  if (!pattern.includes("*")) return false;
  const re = new RegExp(
    "^" + pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*") +
      "$",
  );
  return re.test(file);
}

/** From `nginx -T` output: the first server block including `routesFile`, or null. */
export function hopFromDump(dump: string, routesFile: string): ExternalHop | null {
  const parts = dump.split(/^# configuration file (.+):$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const file = parts[i];
    let tree: Directive[];
    try {
      tree = parseNginx(parts[i + 1]);
    } catch {
      continue;
    }
    const walk = (ds: Directive[]): ExternalHop | null => {
      for (const d of ds) {
        if (d.name === "server" && d.block && includes(d.block, routesFile)) {
          const listen = d.block.find((x) => x.name === "listen");
          const port = Number(/(\d+)$/.exec(listen?.args[0] ?? "")?.[1] ?? 80);
          const ssl = d.block.some((x) => x.name === "listen" && x.args.includes("ssl"));
          return { scheme: ssl ? "https" : "http", port, file, line: d.line };
        }
        if (d.block) {
          const f = walk(d.block);
          if (f) return f;
        }
      }
      return null;
    };
    const found = walk(tree);
    if (found) return found;
  }
  return null;
}

/** Runs `nginx -T` with the agent's nginx and finds the hop; null when nginx cannot tell. */
export async function externalHop(
  exec: Exec,
  s: Pick<ProjectsConfig, "nginx_bin" | "nginx_conf" | "nginx_prefix">,
  routesFile: string,
): Promise<ExternalHop | null> {
  const args = [
    s.nginx_bin,
    ...(s.nginx_prefix ? ["-p", `${s.nginx_prefix}/`] : []),
    "-c",
    s.nginx_conf,
    "-T",
  ];
  const r = await exec.run(args, { timeoutMs: 20_000 });
  return r.code === 0 ? hopFromDump(r.stdout, routesFile) : null;
}

export interface PlanItem {
  name: string;
  port: number;
  action: "activate" | "update" | "unchanged";
  note: string;
}

/** What importing `reg` does to the current projects and which settings differ. */
export function importPlan(
  reg: Registry,
  existing: Json[],
  s: ProjectsConfig,
  hop: ExternalHop | null = null,
): { items: PlanItem[]; untouched: string[]; settings: string[] } {
  const byName = new Map(existing.map((p) => [p.name, p]));
  const root = reg.global.root ?? s.projects_root;
  const items: PlanItem[] = reg.projects.map(({ name, port }) => {
    const cur = byName.get(name);
    if (!cur) return { name, port, action: "activate", note: `new, directory ${root}/${name}` };
    const changes: string[] = [];
    if (cur.port !== port) changes.push(`port ${cur.port} -> ${port}`);
    if (cur.root !== root) changes.push(`root ${cur.root} -> ${root}`);
    if (cur.status !== "active") changes.push("inactive -> active");
    return changes.length
      ? { name, port, action: "update", note: changes.join(", ") }
      : { name, port, action: "unchanged", note: "already active" };
  });
  const inRegistry = new Set(reg.projects.map((p) => p.name));
  const untouched = existing.filter((p) => !inRegistry.has(p.name)).map((p) => p.name);
  const settings: string[] = [];
  const g = reg.global;
  const want = (k: string, v: unknown) =>
    settings.push(`agent config set ${k} ${JSON.stringify(v)}`);
  if (g.domain !== undefined && g.domain !== s.projects_domain) want("projects_domain", g.domain);
  if (g.https_port !== undefined && g.https_port !== s.projects_https_port) {
    want("projects_https_port", String(g.https_port));
  }
  if (g.nginx_routes_file !== undefined) {
    if (s.projects_mode !== "snippet") want("projects_mode", "snippet");
    if (g.nginx_routes_file !== s.projects_snippet_file) {
      want("projects_snippet_file", g.nginx_routes_file);
    }
  }
  if (g.root !== undefined && g.root !== s.projects_root) want("projects_root", g.root);
  if (g.nginx_routes_file !== undefined) {
    const domain = g.domain ?? s.projects_domain;
    if (hop && domain) {
      const dflt = hop.scheme === "https" ? 443 : 80;
      const url = `${hop.scheme}://${domain}${hop.port === dflt ? "" : `:${hop.port}`}`;
      if (url !== s.projects_external_url) {
        want("projects_external_url", url);
        settings.push(`  # the server block in ${hop.file}:${hop.line} includes the routes file`);
      }
    } else if (!s.projects_external_url) {
      settings.push(
        `# no server block found that includes ${g.nginx_routes_file}: set projects_external_url ` +
          "to the URL clients use (https://host:port when that server listens with ssl)",
      );
    }
  }
  return { items, untouched, settings };
}
