// `agent check`: the whole chain, per project. nginx's configuration is valid
// and nginx runs; the project routes nginx serves (the current generation, or
// the operator's snippet link) match the state; and per active project: the
// service runs, its port listens, and both hops answer.
import { PROJECT_KIND, projectDir, type ProjectSpec } from "./model.ts";
import { confFileName } from "../../render/tree.ts";
import { checkClient, type HopResult, probe } from "./health.ts";
import { describeHolders, portUse } from "./ports.ts";
import { managerOf, projectsOf } from "./state.ts";
import { SNIPPET_FILE } from "./render.ts";
import { type LinkState, linkState } from "./snippet-link.ts";
import { externalUrl, healthUrl } from "./changes.ts";
import type { ServiceStatus } from "./services/manager.ts";
import type { ProjectsRuntime } from "./settings.ts";
import { projectKind } from "./kind.ts";

export interface ProjectCheck {
  name: string;
  status: "active" | "inactive";
  port: number;
  manager: string;
  directory: string;
  ok: boolean;
  service?: ServiceStatus & { ok: boolean };
  listening?: { ok: boolean; addresses: string[]; holders: string | null };
  route?: { ok: boolean; message: string };
  internal?: HopResult;
  external?: HopResult;
  issues: string[];
}

export interface CheckReport {
  ok: boolean;
  checked_at: string;
  nginx: {
    ok: boolean;
    installed: boolean;
    running: boolean;
    pid: number | null;
    config_ok: boolean | null;
    config_output: string;
  };
  routes: {
    ok: boolean;
    mode: "site" | "snippet";
    /** The file nginx reads the project routes from. */
    file: string | null;
    link?: LinkState;
    /** project -> port served on disk */
    on_disk: Record<string, number>;
    pending: string[];
    issues: string[];
  };
  projects: ProjectCheck[];
  issues: string[];
  /** Set-ups that work but weaken the check (projects_check_insecure). */
  warnings: string[];
}

/** `location /<name>/` blocks the agent rendered for projects: name -> backend port. */
export function projectRoutesIn(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = /# route project-([a-z0-9-]+)\n\s*location \/([a-z0-9-]+)\/ \{([^}]*)\}/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== m[2]) continue;
    const pp = /proxy_pass http:\/\/127\.0\.0\.1:(\d+)\/;/.exec(m[3]);
    if (pp) out[m[2]] = Number(pp[1]);
  }
  return out;
}

async function nginxCheck(rt: ProjectsRuntime): Promise<CheckReport["nginx"]> {
  const s = rt.settings;
  const installed = !rt.nginx.dryRun;
  const pid = await rt.nginx.masterPid();
  let config_ok: boolean | null = null;
  let config_output = "nginx is not installed (dry-run)";
  if (installed) {
    const r = await rt.exec.run(
      [s.nginx_bin, ...(s.nginx_prefix ? ["-p", s.nginx_prefix] : []), "-t", "-c", s.nginx_conf],
      { timeoutMs: 120_000 },
    );
    config_ok = r.code === 0;
    config_output = (r.stderr + r.stdout).trim();
  }
  return {
    ok: installed && config_ok === true && pid !== null,
    installed,
    running: pid !== null,
    pid,
    config_ok,
    config_output,
  };
}

async function routesCheck(
  rt: ProjectsRuntime,
  active: ProjectSpec[],
): Promise<CheckReport["routes"]> {
  const s = rt.settings;
  const issues: string[] = [];
  const pending = (await rt.reconciler.pending())
    .filter((p) => p.id.startsWith(`${PROJECT_KIND}/`) || p.id.startsWith("projects/"))
    .map((p) => p.id);
  if (pending.length) {
    issues.push(
      `changes not applied yet: ${pending.join(", ")}` +
        (s.apply_mode === "manual" ? " (apply_mode manual: run `agent apply`)" : ""),
    );
  }
  let file: string | null = null;
  let text = "";
  let link: LinkState | undefined;
  const cur = await rt.generations.current();
  if (s.projects_mode === "snippet") {
    link = await linkState(s);
    file = s.projects_snippet_file;
    if (link.state !== "ok") {
      issues.push(
        link.state === "missing"
          ? `${file} does not exist: your server {} includes it (activate a project to create the link)`
          : `${file} is ${
            link.state === "other-link" ? `a link to ${link.points_to}` : `a ${link.state}`
          }, not a link to ${link.target}`,
      );
    }
    text = await Deno.readTextFile(file).catch(() => "");
  } else if (cur !== null) {
    const name = confFileName("site", s.projects_site);
    file = `${rt.generations.currentLink}/${name}`;
    text = await Deno.readTextFile(file).catch(() => "");
  }
  // Missing or wrong routes of active projects are reported per project.
  const onDisk = projectRoutesIn(text);
  const want = new Set(active.map((p) => p.name));
  for (const name of Object.keys(onDisk)) {
    if (!want.has(name)) {
      issues.push(`route /${name}/ is on disk but project "${name}" is not active`);
    }
  }
  if (s.projects_mode === "snippet" && cur !== null) {
    const gen = await Deno.readTextFile(`${rt.generations.currentLink}/${SNIPPET_FILE}`).catch(() =>
      null
    );
    if (gen === null) issues.push(`the current generation has no ${SNIPPET_FILE}`);
  }
  return {
    ok: issues.length === 0,
    mode: s.projects_mode,
    file,
    link,
    on_disk: onDisk,
    pending,
    issues,
  };
}

async function projectCheck(
  rt: ProjectsRuntime,
  p: ProjectSpec,
  route: { ok: boolean; message: string },
  client: Deno.HttpClient | undefined,
): Promise<ProjectCheck> {
  const st = projectsOf(rt);
  const base: ProjectCheck = {
    name: p.name,
    status: p.status,
    port: p.port,
    manager: p.manager ?? st.kind,
    directory: projectDir(p),
    ok: true,
    issues: [],
  };
  if (p.status !== "active") return base;
  const m = managerOf(st, p.manager ?? st.kind);
  const [svc, use, internal, external] = await Promise.all([
    m.status(p.name),
    portUse(p.port),
    probe("internal", healthUrl(p)),
    probe("external", externalUrl(rt, p), {
      client,
      insecure: rt.settings.projects_check_insecure,
    }),
  ]);
  const ownPids = await Promise.all(use.holders.map((h) => m.owns(p.name, h.pid)));
  const foreign = use.holders.filter((_, i) => !ownPids[i]);
  base.service = { ...svc, ok: svc.active };
  base.listening = {
    ok: use.listening && foreign.length === 0,
    addresses: use.addresses,
    holders: use.listening ? describeHolders(use) : null,
  };
  base.route = route;
  base.internal = internal;
  base.external = external;
  if (!svc.active) {
    const d = svc.detail as {
      last_exit?: { code: number | null; signal: string | null };
      next_start_at?: string;
    };
    const why = d.last_exit
      ? ` (last exit: ${d.last_exit.signal ?? `code ${d.last_exit.code}`}${
        d.next_start_at ? `, next start ${d.next_start_at}` : ""
      })`
      : "";
    base.issues.push(`service ${svc.manager}: ${svc.state}${why}`);
  }
  if (!use.listening) base.issues.push(`port ${p.port}: nothing listens`);
  else if (foreign.length) {
    base.issues.push(
      `port ${p.port}: held by ${
        describeHolders({ ...use, holders: foreign })
      }, not the project's service`,
    );
  }
  if (!route.ok) base.issues.push(`route: ${route.message}`);
  if (!internal.ok) base.issues.push(`internal: GET ${internal.url}: ${internal.error}`);
  if (!external.ok) base.issues.push(`external: GET ${external.url}: ${external.error}`);
  base.ok = base.issues.length === 0;
  return base;
}

export async function runCheck(rt: ProjectsRuntime): Promise<CheckReport> {
  const projects = (await rt.store.list(projectKind))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const active = projects.filter((p) => p.status === "active");
  const [nginx, routes] = await Promise.all([nginxCheck(rt), routesCheck(rt, active)]);
  const client = await checkClient(rt.settings.projects_check_ca_file).catch(() => undefined);
  let checks: ProjectCheck[];
  try {
    checks = await Promise.all(projects.map((p) => {
      const port = routes.on_disk[p.name];
      const route = port === p.port ? { ok: true, message: `/${p.name}/ -> 127.0.0.1:${port}` } : {
        ok: false,
        message: port === undefined
          ? `/${p.name}/ is not in ${routes.file ?? "nginx's files"}`
          : `/${p.name}/ goes to port ${port} on disk, the state says ${p.port}`,
      };
      return projectCheck(rt, p, route, client);
    }));
  } finally {
    client?.close();
  }
  const issues: string[] = [];
  if (!nginx.installed) issues.push("nginx is not installed");
  else {
    if (nginx.config_ok === false) issues.push("nginx -t fails");
    if (!nginx.running) issues.push("nginx is not running");
  }
  issues.push(...routes.issues.map((i) => `routes: ${i}`));
  for (const c of checks) issues.push(...c.issues.map((i) => `${c.name}: ${i}`));
  return {
    ok: issues.length === 0,
    checked_at: new Date().toISOString(),
    nginx,
    routes,
    projects: checks,
    issues,
    warnings: rt.settings.projects_check_insecure
      ? ["projects_check_insecure is on: the external check accepts any TLS certificate"]
      : [],
  };
}
