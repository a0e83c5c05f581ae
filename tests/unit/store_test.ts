// The KV store: versions, If-Match, index claims, values past KV's 64 KiB limit.
import assert from "node:assert/strict";
import { Store } from "../../agent/store/store.ts";
import { queryAudit } from "../../agent/store/audit.ts";
import { claimingKinds } from "../helpers/kinds.ts";

async function withStore(fn: (s: Store) => Promise<void>) {
  const s = new Store(await Deno.openKv(":memory:"), { kinds: claimingKinds() });
  try {
    await fn(s);
  } finally {
    s.close();
  }
}

const put = (
  s: Store,
  name: string,
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) =>
  s.write(() => ({
    ops: [{ type: "put", kind: "site", name, spec, ...extra }],
    actor: "test",
    action: "site.put",
  }));

Deno.test("versions count real changes only; If-Match guards writes", async () => {
  await withStore(async (s) => {
    assert.equal((await put(s, "a", { x: 1 }))[0].after!.version, 1);
    const same = await put(s, "a", { x: 1 });
    assert.equal(same[0].changed, false);
    assert.equal((await s.get("site", "a"))!.version, 1);
    assert.equal((await put(s, "a", { x: 2 }, { ifMatch: 1 }))[0].after!.version, 2);
    await assert.rejects(
      put(s, "a", { x: 3 }, { ifMatch: 1 }),
      (e: Error & { code?: string }) => e.code === "PRECONDITION_FAILED",
    );
    assert.equal((await s.get("site", "a"))!.x, 2);
  });
});

Deno.test("index claims are exclusive and move with the record", async () => {
  await withStore(async (s) => {
    // The kind computes the claims from the spec (tests/helpers/kinds.ts).
    await put(s, "a", { n: "x", claims: ["x.test"] });
    await assert.rejects(
      put(s, "b", { n: "x", claims: ["x.test"] }),
      (e: Error & { code?: string }) => e.code === "CONFLICT",
    );
    await put(s, "a", { n: "y", claims: ["y.test"] }); // a releases x.test
    await put(s, "b", { n: "x", claims: ["x.test"] });
    assert.equal(await s.indexOwner(["server_name", "80", "x.test"]), "site/b");
    assert.equal((await s.get("site", "b"))!._idx, undefined); // internal field not exposed
  });
});

Deno.test("a record may claim hundreds of names, and one write may carry 150 records", async () => {
  await withStore(async (s) => {
    // Deno KV allows 100 checks per atomic write; claims and big batches must not hit it.
    const names = Array.from({ length: 300 }, (_, i) => `n${i}.test`);
    await put(s, "big", { names, claims: names });
    await put(s, "big", { names, claims: names, v: 2 }); // re-claiming its own names
    assert.equal(await s.indexOwner(["server_name", "80", "n299.test"]), "site/big");
    await assert.rejects(
      put(s, "other", { claims: ["n150.test"] }),
      (e: Error & { code?: string }) => e.code === "CONFLICT" && /site\/big/.test(e.message),
    );
    const results = await s.write(() => ({
      ops: Array.from({ length: 150 }, (_, i) => ({
        type: "put" as const,
        kind: "pool",
        name: `p${i}`,
        spec: { i },
      })),
      actor: "test",
      action: "pool.put",
    }));
    assert.equal(results.filter((r) => r.created).length, 150);
    assert.equal((await s.list("pool")).length, 150);
  });
});

Deno.test("records over 64 KiB are stored in chunks and read back whole", async () => {
  await withStore(async (s) => {
    const routes = Array.from(
      { length: 2000 },
      (_, i) => ({ name: `r${i}`, path: `/path/number/${i}/`, pool: "web" }),
    );
    await put(s, "big", { routes });
    const got = await s.get("site", "big");
    assert.equal((got!.routes as unknown[]).length, 2000);
    assert.ok(JSON.stringify(got).length > 64 * 1024);
    await put(s, "big", { routes: routes.slice(0, 3) }); // shrinking drops stale chunks
    assert.equal(((await s.get("site", "big"))!.routes as unknown[]).length, 3);
    let chunks = 0; // a prefix list excludes the head key itself: only chunks are counted
    for await (const _ of s.kv.list({ prefix: ["rec", "site", "big"] })) chunks++;
    assert.equal(chunks, 0);
  });
});

Deno.test("every change is audited with before and after", async () => {
  await withStore(async (s) => {
    await put(s, "a", { x: 1 });
    await put(s, "a", { x: 2 });
    await s.write(() => ({
      ops: [{ type: "delete", kind: "site", name: "a" }],
      actor: "test",
      action: "site.delete",
    }));
    const { entries } = await queryAudit(s.kv, { entity: "site/a" });
    assert.deepEqual(entries.map((e) => e.action), ["site.delete", "site.put", "site.put"]);
    assert.equal((entries[1].before as { x: number }).x, 1);
    assert.equal((entries[1].after as { x: number }).x, 2);
    assert.equal(entries[0].after, null);
    assert.equal(entries[0].outcome, "pending");
  });
});
