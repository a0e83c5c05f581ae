// The round's cached read of the desired state: it must never serve a record
// older than KV holds, whoever wrote it (this process, or another on the same file).
import assert from "node:assert/strict";
import { Store } from "../../agent/store/store.ts";
import { cachedKind, desiredUnderLock } from "../../agent/store/desired-cache.ts";
import { ListSnapshots } from "../../agent/store/snapshots.ts";
import { claimingKinds } from "../helpers/kinds.ts";

const put = (s: Store, name: string, spec: Record<string, unknown>) =>
  s.write(() => ({
    ops: [{ type: "put", kind: "site", name, spec }],
    actor: "test",
    action: "site.put",
  }));
const del = (s: Store, name: string) =>
  s.write(() => ({ ops: [{ type: "delete", kind: "site", name }], actor: "test", action: "del" }));

const read = (s: Store) => s.locked(() => desiredUnderLock(s));
const xOf = (m: Map<string, Record<string, unknown>>, id: string) => m.get(id)?.x;

Deno.test("the cached desired state follows this process's writes, another process's writes and deletes", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const a = new Store(await Deno.openKv(path), { kinds: claimingKinds() });
  const b = new Store(await Deno.openKv(path), { kinds: claimingKinds() }); // "another process"
  try {
    await put(a, "one", { x: 1 });
    await put(a, "two", { x: 1 });
    const first = await read(a);
    assert.equal(xOf(first, "site/one"), 1);
    // kept records are shared and frozen: a reader cannot change them under the next round
    const again = await read(a);
    assert.equal(again.get("site/two"), first.get("site/two"));
    assert.ok(Object.isFrozen(first.get("site/two")));
    assert.throws(() => {
      (first.get("site/two") as Record<string, unknown>).x = 9;
    });
    // this process's own write
    await put(a, "one", { x: 2 });
    assert.equal(xOf(await read(a), "site/one"), 2);
    // a write this process did not make: the write counter says so, everything is read again
    await put(b, "two", { x: 3 });
    await put(b, "three", { x: 1 });
    const foreign = await read(a);
    assert.equal(xOf(foreign, "site/two"), 3);
    assert.equal(xOf(foreign, "site/three"), 1);
    // deletes, own and foreign
    await del(a, "one");
    assert.equal((await read(a)).has("site/one"), false);
    await del(b, "three");
    const last = await read(a);
    assert.deepEqual([...last.keys()].sort(), ["site/two"]);
    // the same answer as reading every record
    assert.deepEqual(
      [...last].map(([id, r]) => [id, r.x, r.version]),
      [...await a.all()].map(([id, r]) => [id, r.x, r.version]),
    );
  } finally {
    a.close();
    b.close();
    await Deno.remove(path).catch(() => {});
  }
});

Deno.test("list snapshots share the round's records while they are current, and read KV after any write", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const a = new Store(await Deno.openKv(path), { kinds: claimingKinds() });
  const b = new Store(await Deno.openKv(path), { kinds: claimingKinds() }); // "another process"
  const lists = new ListSnapshots(a, (kind) => cachedKind(a, kind));
  const names = async () => (await lists.list("site")).map((r) => `${r.name}:${r.x}`);
  try {
    await put(a, "zeta", { x: 1 });
    await put(a, "alpha", { x: 1 });
    // no round has read the state yet: from KV
    assert.equal(await cachedKind(a, "site"), null);
    assert.deepEqual(await names(), ["alpha:1", "zeta:1"]);
    const round = await read(a);
    await put(a, "mid", { x: 1 }); // this process, after the round read
    assert.equal(await cachedKind(a, "site"), null, "a write since the round: not current");
    assert.deepEqual(await names(), ["alpha:1", "mid:1", "zeta:1"]);
    const next = await read(a);
    // current again: the very records the round holds, in KV's order (by name)
    const listed = await lists.list("site");
    assert.deepEqual(listed.map((r) => r.name), ["alpha", "mid", "zeta"]);
    assert.equal(listed[0], next.get("site/alpha"));
    assert.equal(listed[2], round.get("site/zeta"));
    assert.deepEqual(await lists.list("pool"), []);
    // the kinds sorted for those lists are made again once the next round read a write
    await put(a, "beta", { x: 1 });
    await read(a);
    assert.deepEqual((await cachedKind(a, "site"))?.map((r) => r.name), [
      "alpha",
      "beta",
      "mid",
      "zeta",
    ]);
    // another process's write: the counter moved, so KV is read, not the cache
    await put(b, "alpha", { x: 7 });
    await del(b, "zeta");
    assert.equal(await cachedKind(a, "site"), null);
    assert.deepEqual(await a.list("site").then((l) => l.map((r) => `${r.name}:${r.x}`)), [
      "alpha:7",
      "beta:1",
      "mid:1",
    ]);
    assert.deepEqual(
      (await new ListSnapshots(a, (k) => cachedKind(a, k)).list("site")).map((r) => r.x),
      [7, 1, 1],
    );
  } finally {
    a.close();
    b.close();
    await Deno.remove(path).catch(() => {});
  }
});
