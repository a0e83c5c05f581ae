// Pool and member changes: validate, check references, write atomically, apply.
import { AgentError, notFound } from "../errors.ts";
import { checkPool, type Member, parseMember, parsePool, type PoolSpec } from "../model/pool.ts";
import { sitesUsingPool } from "../model/refs.ts";
import type { SiteSpec } from "../model/site.ts";
import { specOf } from "../store/store.ts";
import type { ChangeContext, ChangeOptions } from "./context.ts";
import { assertNotManaged, type ChangeResult, submitChange } from "./apply.ts";

type Pool = PoolSpec & { name: string };

export async function putPool(
  cx: ChangeContext,
  name: string,
  body: unknown,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const spec = parsePool(name, body);
  const results = await cx.store.write(async () => {
    assertNotManaged(await cx.store.get("pool", name), "pool");
    return {
      ops: [{ type: "put", kind: "pool", name, spec, ifMatch: o.ifMatch }],
      actor: o.actor,
      action: "pool.put",
    };
  });
  return await submitChange(cx, results);
}

export async function deletePool(
  cx: ChangeContext,
  name: string,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const results = await cx.store.write(async () => {
    const cur = await cx.store.get("pool", name);
    if (!cur) throw notFound("pool", name);
    assertNotManaged(cur, "pool");
    const users = sitesUsingPool(
      name,
      (await cx.store.list("site")) as unknown as (SiteSpec & { name: string })[],
    );
    if (users.length) {
      throw new AgentError("CONFLICT", `pool "${name}" is used by site(s) ${users.join(", ")}`, {
        pool: name,
        sites: users,
      });
    }
    return {
      ops: [{ type: "delete", kind: "pool", name, ifMatch: o.ifMatch }],
      actor: o.actor,
      action: "pool.delete",
    };
  });
  return await submitChange(cx, results);
}

async function updateMembers(
  cx: ChangeContext,
  pool: string,
  o: ChangeOptions,
  action: string,
  edit: (members: Member[]) => Member[],
): Promise<ChangeResult> {
  const results = await cx.store.write(async () => {
    const cur = await cx.store.get("pool", pool);
    if (!cur) throw notFound("pool", pool);
    assertNotManaged(cur, "pool");
    const spec = specOf(cur) as unknown as Pool;
    const next = checkPool({ ...spec, members: edit(spec.members) });
    return {
      ops: [{ type: "put", kind: "pool", name: pool, spec: { ...next }, ifMatch: o.ifMatch }],
      actor: o.actor,
      action,
    };
  });
  return await submitChange(cx, results);
}

export function putMember(
  cx: ChangeContext,
  pool: string,
  address: string,
  body: unknown,
  o: ChangeOptions,
) {
  const member = parseMember(address, body);
  return updateMembers(cx, pool, o, "member.put", (ms) => {
    const i = ms.findIndex((m) => m.address === address);
    return i < 0 ? [...ms, member] : ms.map((m, j) => (j === i ? member : m));
  });
}

export function deleteMember(cx: ChangeContext, pool: string, address: string, o: ChangeOptions) {
  return updateMembers(cx, pool, o, "member.delete", (ms) => {
    if (!ms.some((m) => m.address === address)) {
      throw new AgentError("NOT_FOUND", `pool "${pool}" has no member ${address}`, {
        pool,
        address,
      });
    }
    return ms.filter((m) => m.address !== address);
  });
}
