// /api/sites: server blocks and their routes.
import { Hono } from "hono";
import { AgentError, notFound } from "../../errors.ts";
import type { Runtime } from "../../runtime.ts";
import { deleteRoute, deleteSite, putRoute, putSite } from "./changes.ts";
import { changeOptions, changeResponse, jsonBody, param } from "../../api/http.ts";
import type { Route } from "./schema.ts";
import { listAnswer } from "../../api/list-query.ts";

export function sitesRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => listAnswer(c, "sites", await rt.lists.list("site")));
  r.get("/:name", async (c) => {
    const s = await rt.store.get("site", param(c, "name"));
    if (!s) throw notFound("site", param(c, "name"));
    c.header("ETag", `"${s.version}"`);
    return c.json(s);
  });
  r.put(
    "/:name",
    async (c) =>
      changeResponse(c, await putSite(rt, param(c, "name"), await jsonBody(c), changeOptions(c))),
  );
  r.delete(
    "/:name",
    async (c) => changeResponse(c, await deleteSite(rt, param(c, "name"), changeOptions(c))),
  );
  r.get("/:name/routes", async (c) => {
    const s = await rt.store.get("site", param(c, "name"));
    if (!s) throw notFound("site", param(c, "name"));
    c.header("ETag", `"${s.version}"`);
    return c.json({ site: s.name, routes: s.routes });
  });
  r.get("/:name/routes/:route", async (c) => {
    const s = await rt.store.get("site", param(c, "name"));
    if (!s) throw notFound("site", param(c, "name"));
    const route = (s.routes as Route[]).find((x) => x.name === param(c, "route"));
    if (!route) {
      throw new AgentError("NOT_FOUND", `site "${s.name}" has no route ${param(c, "route")}`);
    }
    return c.json(route);
  });
  r.put(
    "/:name/routes/:route",
    async (c) =>
      changeResponse(
        c,
        await putRoute(
          rt,
          param(c, "name"),
          param(c, "route"),
          await jsonBody(c),
          changeOptions(c),
        ),
      ),
  );
  r.delete(
    "/:name/routes/:route",
    async (c) =>
      changeResponse(
        c,
        await deleteRoute(rt, param(c, "name"), param(c, "route"), changeOptions(c)),
      ),
  );
  return r;
}
