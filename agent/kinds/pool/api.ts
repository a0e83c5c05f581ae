// /api/pools: upstream pools and their members.
import { Hono } from "hono";
import { notFound } from "../../errors.ts";
import type { Runtime } from "../../runtime.ts";
import { deleteMember, deletePool, putMember, putPool } from "./changes.ts";
import { changeOptions, changeResponse as respond, jsonBody, param } from "../../api/http.ts";
import { listAnswer } from "../../api/list-query.ts";
import { maskPool } from "./credentials.ts";
import { poolUpstream } from "./upstream-view.ts";
import type { Context } from "hono";
import type { ChangeResult } from "../../changes/apply.ts";

// Credentials never leave the agent: every answer carries the pool masked.
const changeResponse = (c: Context, r: ChangeResult) =>
  respond(c, { ...r, record: maskPool(r.record) });

export function poolsRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", async (c) => listAnswer(c, "pools", (await rt.lists.list("pool")).map(maskPool)));
  r.get("/:name", async (c) => {
    const p = await rt.store.get("pool", param(c, "name"));
    if (!p) throw notFound("pool", param(c, "name"));
    c.header("ETag", `"${p.version}"`);
    // Read-only (a PUT of this body ignores it): which nginx upstream serves the pool.
    return c.json({ ...maskPool(p), upstream: poolUpstream(rt, p.name) });
  });
  r.get("/:name/members", async (c) => {
    const p = await rt.store.get("pool", param(c, "name"));
    if (!p) throw notFound("pool", param(c, "name"));
    c.header("ETag", `"${p.version}"`);
    return c.json({ pool: p.name, members: p.members });
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
