// Pool and member changes: validate, check references, write atomically, apply.
import { AgentError, notFound } from "../../errors.ts";
import { checkPool, type Member, parseMember, parsePool, type PoolSpec } from "./schema.ts";
import { assertUnreferenced } from "../../changes/refs.ts";
import { specOf } from "../../store/store.ts";
import type { ChangeContext, ChangeOptions } from "../../changes/context.ts";
import {
  assertNotManaged,
  type ChangeResult,
  submitChange,
  writeChange,
} from "../../changes/apply.ts";
import { poolKind } from "./kind.ts";
import { sealPoolCredentials } from "./credentials.ts";
import { invalid } from "../../errors.ts";
import type { Rec, Store } from "../../store/store.ts";

type Pool = PoolSpec & { name: string };

export async function putPool(
  cx: ChangeContext,
  name: string,
  body: unknown,
  o: ChangeOptions,
): Promise<ChangeResult> {
  const parsed = parsePool(name, body);
  const results = await writeChange(cx, async () => {
    const cur = await cx.store.get("pool", name);
    assertNotManaged(cur, "pool");
    await checkPoolLinks(cx.store, parsed, cur);
    const spec = await sealPoolCredentials(String(cx.settings.secret ?? ""), parsed, cur);
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
  const results = await writeChange(cx, async () => {
    const cur = await cx.store.get("pool", name);
    if (!cur) throw notFound("pool", name);
    assertNotManaged(cur, "pool");
    await assertUnreferenced(cx.store, cx.kinds, "pool", name);
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
  const results = await writeChange(cx, async () => {
    const cur = await cx.store.get(poolKind, pool);
    if (!cur) throw notFound("pool", pool);
    assertNotManaged(cur, "pool");
    const spec = specOf(cur);
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

/** Rules across pools: source_nanio_pool names a nanio pool, which then stays nanio. */
async function checkPoolLinks(store: Store, p: Pool, cur: Rec | null): Promise<void> {
  if (p.source_nanio_pool) {
    const src = await store.get("pool", p.source_nanio_pool);
    if (!src) throw invalid("source_nanio_pool", `pool "${p.source_nanio_pool}" does not exist`);
    if (src.type !== "nanio") {
      throw invalid("source_nanio_pool", `pool "${p.source_nanio_pool}" is not a nanio pool`);
    }
  }
  // Only a nanio pool can be named (see above): others skip listing every pool.
  if (p.type !== "nanio" && cur?.type === "nanio") {
    for (const other of await store.list("pool")) {
      if (other.source_nanio_pool === p.name) {
        throw invalid("type", `http pool "${other.name}" serves this pool's data: it stays nanio`);
      }
    }
  }
}
