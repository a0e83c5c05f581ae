// The pending list kept from suspects must say what a full compare of every
// record with what was applied says, through changes, applies, no-op writes,
// reverts and another process's writes.
import assert from "node:assert/strict";
import { type Rec, Store, type WriteOp } from "../store/store.ts";
import { pendingChanges } from "./plan.ts";
import { PendingTracker } from "./pending.ts";

const put = (name: string, spec: Record<string, unknown> = {}): WriteOp => ({
  type: "put",
  kind: "site",
  name,
  spec: { server_names: [`${name}.test`], ...spec },
});

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const store = new Store(kv);
  let applied = new Map<string, Rec>();
  const tracker = new PendingTracker(store, () => applied);
  const write = (...ops: WriteOp[]) => store.write(() => ({ ops, actor: "t", action: "t" }));
  /** What a round does: reads the desired state, installs it (minus `refuse`, kept as served). */
  const read = async () => ({ seq: store.seq, desired: await store.all() });
  const apply = async (refuse: string[] = [], at?: { seq: number; desired: Map<string, Rec> }) => {
    const { seq, desired } = at ?? await read();
    const next = new Map(desired);
    for (const id of refuse) {
      const a = applied.get(id);
      if (a) next.set(id, a);
      else next.delete(id);
    }
    applied = next;
    tracker.installed(applied, { desired, seq });
  };
  // Full compares the tracker ran (reads of every record).
  const all = store.all.bind(store);
  const fulls = { n: 0 };
  let reading = false;
  store.all = () => {
    if (reading) fulls.n++;
    return all();
  };
  /** The list, checked against the full compare it replaces. */
  const ids = async () => {
    reading = true;
    const got = await tracker.list().finally(() => reading = false);
    assert.deepEqual(got, pendingChanges(await store.all(), applied));
    return got.map((p) => `${p.action} ${p.id}`);
  };
  /** What a restart does: the applied records loaded from a generation on disk. */
  const load = (recs: Map<string, Rec>) => void (applied = recs);
  return { kv, store, tracker, write, read, apply, load, ids, fulls, close: () => kv.close() };
}

Deno.test("pending: changes are pending until applied; a write that changes nothing is not", async () => {
  const s = await setup();
  try {
    await s.write(put("a"), put("b"));
    assert.deepEqual(await s.ids(), ["create site/a", "create site/b"]);
    await s.apply();
    assert.deepEqual(await s.ids(), []);

    await s.write(put("a", { server_names: ["other.test"] }));
    assert.deepEqual(await s.ids(), ["update site/a"]);
    await s.apply();
    assert.deepEqual(await s.ids(), []);

    // The same spec again: no write at all, nothing pending.
    const seq = s.store.seq;
    await s.write(put("a", { server_names: ["other.test"] }));
    assert.equal(s.store.seq, seq);
    assert.deepEqual(await s.ids(), []);

    // Changed and put back before an apply (a revert): a new version, the same spec.
    await s.write(put("b", { server_names: ["x.test"] }));
    assert.deepEqual(await s.ids(), ["update site/b"]);
    await s.write(put("b"));
    assert.deepEqual(await s.ids(), []);

    await s.write({ type: "delete", kind: "site", name: "a" });
    assert.deepEqual(await s.ids(), ["delete site/a"]);
    await s.apply();
    assert.deepEqual(await s.ids(), []);
    assert.equal(s.fulls.n, 1, "only the first ask reads every record");
  } finally {
    s.close();
  }
});

Deno.test("pending: a refused change stays pending; one written during the round stays pending", async () => {
  const s = await setup();
  try {
    await s.write(put("a"));
    await s.apply();
    await s.write(put("a", { server_names: ["bad.test"] }), put("c"));
    assert.deepEqual(await s.ids(), ["update site/a", "create site/c"]);
    await s.apply(["site/a", "site/c"]); // both refused, nginx keeps serving the old state
    assert.deepEqual(await s.ids(), ["update site/a", "create site/c"]);

    // A write that lands after the round read the state is not carried by it.
    await s.write(put("a")); // site/a back as served, site/c still refused
    const at = await s.read();
    await s.write(put("d"));
    await s.apply(["site/c"], at);
    assert.deepEqual(await s.ids(), ["create site/c", "create site/d"]);
    assert.equal(s.fulls.n, 1);
  } finally {
    s.close();
  }
});

Deno.test("pending: another process's write on the same state file is seen", async () => {
  const s = await setup();
  try {
    await s.write(put("a"));
    await s.apply();
    assert.deepEqual(await s.ids(), []);
    // Another Store on the same KV: its writes never reach this process's listeners.
    const other = new Store(s.kv);
    await other.write(() => ({ ops: [put("z")], actor: "cli", action: "t" }));
    assert.deepEqual(await s.ids(), ["create site/z"]);
    assert.equal(s.fulls.n, 2, "the foreign write made it compare everything again");
    assert.deepEqual(await s.ids(), ["create site/z"]);
    assert.equal(s.fulls.n, 2);
  } finally {
    s.close();
  }
});

Deno.test("pending: the applied records replaced wholesale (a restart) are compared in full", async () => {
  const s = await setup();
  try {
    await s.write(put("a"), put("b"));
    await s.apply();
    assert.deepEqual(await s.ids(), []);
    // The generation on disk serves only site/a (the agent stopped before applying site/b).
    s.load(new Map([["site/a", (await s.store.all()).get("site/a")!]]));
    assert.deepEqual(await s.ids(), ["create site/b"]);
  } finally {
    s.close();
  }
});
