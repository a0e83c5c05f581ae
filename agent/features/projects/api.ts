// /api/projects: backends behind the projects site, each a supervised service.
import { externalHop } from "./import-plan.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import { notFound } from "../../errors.ts";
import { PROJECT_KIND, projectDir, type ProjectSpec, ProjectSpecSchema } from "./model.ts";
import { deleteProject, externalUrl, type ProjectResult, putProject } from "./changes.ts";
import { runCheck } from "./check.ts";
import { managerOf, projectsOf } from "./state.ts";
import { changeOptions, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import type { ProjectsRuntime } from "./settings.ts";
import { listAnswer } from "../../api/list-query.ts";

/** The endpoints of this router, for /api/openapi.json. */
export const projectsDocs = new ApiDoc();

projectsDocs.schema("Project", ProjectSpecSchema);
projectsDocs.describe("/api/projects", "get", { tag: "projects", summary: "List projects" });
projectsDocs.describe("/api/projects/{name}", "get", {
  tag: "projects",
  summary: "Get a project, with the state of its service",
});
projectsDocs.describe("/api/projects/{name}", "put", {
  tag: "projects",
  summary:
    "Create, update, activate (status active: service, internal and external health, route) or deactivate (status inactive) a project",
  body: "Project",
});
projectsDocs.describe("/api/projects/{name}", "delete", {
  tag: "projects",
  summary: "Deactivate a project and forget it (its directory stays)",
});
projectsDocs.describe("/api/projects/check", "post", {
  tag: "projects",
  summary: "Check nginx, the routes on disk and every project's service, port and both hops",
});

function respond(rt: ProjectsRuntime, c: Context, r: ProjectResult) {
  const body = {
    ...(r.record ?? { deleted: true }),
    ...(r.record ? { url: externalUrl(rt, { name: r.record.name, health_path: "/" }) } : {}),
    apply: r.apply ?? { status: "unchanged" },
    service: r.service,
    checks: r.checks,
    scaffolded: r.scaffolded,
    directory: r.directory,
    warnings: r.warnings,
  };
  if (r.record) c.header("ETag", `"${r.record.version}"`);
  return c.json(body, r.created ? 201 : 200);
}

export function projectsRouter(rt: ProjectsRuntime): Hono {
  const r = new Hono();
  r.get("/", async (c) => listAnswer(c, "projects", await rt.lists.list(PROJECT_KIND)));
  r.post("/check", async (c) => c.json(await runCheck(rt)));
  // What `agent import-registry` plans with: this agent's settings and nginx, not the CLI's.
  r.get("/import-context", async (c) => {
    const routes = c.req.query("routes_file");
    const keys = [
      "projects_root",
      "projects_domain",
      "projects_https_port",
      "projects_mode",
      "projects_snippet_file",
      "projects_external_url",
    ] as const;
    return c.json({
      settings: Object.fromEntries(keys.map((k) => [k, rt.settings[k]])),
      hop: routes ? await externalHop(rt.exec, rt.settings, routes) : null,
    });
  });
  r.get("/:name", async (c) => {
    const rec = await rt.store.get(PROJECT_KIND, param(c, "name"));
    if (!rec) throw notFound(PROJECT_KIND, param(c, "name"));
    const p = rec as unknown as ProjectSpec;
    const st = projectsOf(rt);
    c.header("ETag", `"${rec.version}"`);
    return c.json({
      ...rec,
      directory: projectDir(p),
      url: externalUrl(rt, { name: p.name, health_path: "/" }),
      service: await managerOf(st, p.manager ?? st.kind).status(p.name),
    });
  });
  r.put(
    "/:name",
    async (c) =>
      respond(rt, c, await putProject(rt, param(c, "name"), await jsonBody(c), changeOptions(c))),
  );
  r.delete(
    "/:name",
    async (c) => respond(rt, c, await deleteProject(rt, param(c, "name"), changeOptions(c))),
  );
  return r;
}
