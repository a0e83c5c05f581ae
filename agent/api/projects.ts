// /api/projects: backends behind the projects site, each a supervised service.
import { Hono } from "hono";
import type { Context } from "hono";
import { notFound } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { PROJECT_KIND, projectDir, type ProjectSpec, ProjectSpecSchema } from "../model/project.ts";
import { deleteProject, externalUrl, type ProjectResult, putProject } from "../changes/projects.ts";
import { runCheck } from "../projects/check.ts";
import { managerOf, projectsOf } from "../projects/state.ts";
import { changeOptions, jsonBody, param } from "./http.ts";
import { describe, describeSchema } from "./openapi.ts";

describeSchema("Project", ProjectSpecSchema);
describe("/api/projects", "get", { tag: "projects", summary: "List projects" });
describe("/api/projects/{name}", "get", {
  tag: "projects",
  summary: "Get a project, with the state of its service",
});
describe("/api/projects/{name}", "put", {
  tag: "projects",
  summary:
    "Create, update, activate (status active: service, internal and external health, route) or deactivate (status inactive) a project",
  body: "Project",
});
describe("/api/projects/{name}", "delete", {
  tag: "projects",
  summary: "Deactivate a project and forget it (its directory stays)",
});
describe("/api/projects/check", "post", {
  tag: "projects",
  summary: "Check nginx, the routes on disk and every project's service, port and both hops",
});

function respond(rt: Runtime, c: Context, r: ProjectResult) {
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

export function projectsRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => c.json({ projects: await rt.store.list(PROJECT_KIND) }));
  r.post("/check", async (c) => c.json(await runCheck(rt)));
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
