// Project records -> nginx, as a render extension: the routes /<name>/ are
// derived at render time, so the project records (and the projects/settings
// record) stay the only source of truth. Mode "site": the routes are added to
// the site named by projects_site (an operator's site of that name, or one the
// agent derives). Mode "snippet": they are written as a locations file that the
// operator's own server {} includes.
import type { Rec } from "../../store/store.ts";
import type { Listen, Route, SiteSpec } from "../../kinds/site/schema.ts";
import type { ProjectSpec } from "./model.ts";
import { PROJECT_KIND } from "./model.ts";
import { type RenderedFile, type RenderExtension, StateView } from "../../render/tree.ts";
import type { RenderContext } from "../../render/context.ts";
import { routeLocation } from "../../kinds/site/render.ts";
import { type ProjectsRenderConfig, SETTINGS_KIND, SETTINGS_NAME } from "./config.ts";

/** The locations file inside every generation (mode snippet). */
export const SNIPPET_FILE = "snippets/projects-locations.conf";

export const routeName = (project: string) => `project-${project}`;

/** `/<name>/` to the backend with the prefix stripped, WebSockets allowed; `/<name>` redirects. */
export function projectRoutes(p: Pick<ProjectSpec, "name" | "port">): Route[] {
  const base = {
    strip_prefix: false,
    websocket: false,
    preserve_host: true,
  };
  return [
    {
      ...base,
      name: routeName(p.name),
      path: `/${p.name}/`,
      match: "prefix",
      upstream: `http://127.0.0.1:${p.port}`,
      strip_prefix: true,
      websocket: true,
    },
    {
      ...base,
      name: `${routeName(p.name)}-slash`,
      path: `/${p.name}`,
      match: "exact",
      redirect: { url: `/${p.name}/$is_args$args`, code: 301 },
    },
  ];
}

export function activeProjects(view: StateView): (ProjectSpec & Rec)[] {
  return view.ofKind<ProjectSpec>(PROJECT_KIND).filter((p) => p.status === "active");
}

export function configOf(view: StateView): ProjectsRenderConfig | null {
  const r = view.get<ProjectsRenderConfig>(SETTINGS_KIND, SETTINGS_NAME);
  return r ?? null;
}

/** Routes of the active projects that do not collide with `taken` (match:path keys). */
function routesFor(projects: ProjectSpec[], taken: Set<string>): Route[] {
  return projects.flatMap(projectRoutes).filter((r) => !taken.has(`${r.match}:${r.path}`));
}

function derivedSite(cfg: ProjectsRenderConfig, routes: Route[], ctx: RenderContext): Rec {
  let tls: SiteSpec["tls"] = undefined;
  if (cfg.tls && "cert" in cfg.tls) {
    // A managed certificate not issued yet: serve plain HTTP on the port until it is.
    if (ctx.certFiles?.(cfg.tls.cert)) tls = { cert: cfg.tls.cert };
  } else if (cfg.tls) tls = { certificate: cfg.tls.certificate, key: cfg.tls.key };
  const listen: Listen = {
    port: cfg.port,
    ssl: tls !== undefined,
    http2: tls !== undefined,
    default_server: cfg.default_server,
  };
  const site: SiteSpec & { name: string } = {
    name: cfg.site,
    description: "Projects: derived by the agent from the project records",
    server_names: [cfg.domain || "_"],
    listen: [listen],
    tls,
    redirect_http: false,
    routes,
    extra_blocks: [],
    response_headers: {},
  };
  return { ...site, version: 0, created_at: "", updated_at: "" } as unknown as Rec;
}

export const projectsExtension: RenderExtension = {
  name: "projects",
  expand(view, ctx) {
    const cfg = configOf(view);
    if (!cfg || cfg.mode !== "site") return view;
    // Once projects are in use the site stays, also without active projects, so
    // the path of a deactivated project answers 404 from it.
    const projects = activeProjects(view);
    const records = new Map(view.records);
    const own = view.get<SiteSpec>("site", cfg.site);
    if (own) {
      const taken = new Set(own.routes.map((r) => `${r.match}:${r.path}`));
      records.set(`site/${cfg.site}`, {
        ...own,
        routes: [...own.routes, ...routesFor(projects, taken)],
      } as unknown as Rec);
    } else {
      records.set(`site/${cfg.site}`, derivedSite(cfg, routesFor(projects, new Set()), ctx));
    }
    return new StateView(records);
  },
  files(view, ctx): RenderedFile[] {
    const cfg = configOf(view);
    if (!cfg || cfg.mode !== "snippet") return [];
    const locations = routesFor(activeProjects(view), new Set()).map((r) => routeLocation(r));
    return [{
      name: SNIPPET_FILE,
      // No entity: an nginx error here is traced to the project by bisection.
      text: ctx.templates.render("projects-locations.conf.eta", { locations }),
    }];
  },
};
