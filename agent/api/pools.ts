// /api/pools: upstream pools and their members.
import { Hono } from "hono";
import { notFound } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { deleteMember, deletePool, putMember, putPool } from "../changes/pools.ts";
import { changeOptions, changeResponse, jsonBody, param } from "./http.ts";

export function poolsRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => c.json({ pools: await rt.store.list("pool") }));
  r.get("/:name", async (c) => {
    const p = await rt.store.get("pool", param(c, "name"));
    if (!p) throw notFound("pool", param(c, "name"));
    c.header("ETag", `"${p.version}"`);
    return c.json(p);
  });
  r.put(
    "/:name",
    async (c) =>
      changeResponse(c, await putPool(rt, param(c, "name"), await jsonBody(c), changeOptions(c))),
  );
  r.delete(
    "/:name",
    async (c) => changeResponse(c, await deletePool(rt, param(c, "name"), changeOptions(c))),
  );
  r.put(
    "/:name/members/:address",
    async (c) =>
      changeResponse(
        c,
        await putMember(
          rt,
          param(c, "name"),
          param(c, "address"),
          await jsonBody(c),
          changeOptions(c),
        ),
      ),
  );
  r.delete(
    "/:name/members/:address",
    async (c) =>
      changeResponse(
        c,
        await deleteMember(rt, param(c, "name"), param(c, "address"), changeOptions(c)),
      ),
  );
  return r;
}
