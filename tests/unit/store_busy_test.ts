// SQLite's "database is locked": another connection to the KV file committed
// between a transaction's reads and its write. SQLite answers at once, so the
// store commits the same operation again. The busy answers are injected into a
// real KV (the race of two processes cannot be timed from a test); nothing else is faked.
import assert from "node:assert/strict";
import { Store } from "../../agent/store/store.ts";
import { queryAudit } from "../../agent/store/audit.ts";
import { claimingKinds } from "../helpers/kinds.ts";

/** A property of the real object, methods bound to it. */
function forward(target: object, prop: string | symbol): unknown {
  const v = Reflect.get(target, prop, target);
  return typeof v === "function" ? v.bind(target) : v;
}

/** A real KV whose next `busy` commits throw as SQLite's busy connection does. */
function busyKv(kv: Deno.Kv, state: { busy: number; tries: number }): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop !== "atomic") return forward(target, prop);
      return () => {
        const op = target.atomic();
        return new Proxy(op, {
          get(o, p) {
            if (p !== "commit") return forward(o, p);
            return () => {
              state.tries++;
              if (state.busy-- > 0) return Promise.reject(new TypeError("database is locked"));
              return o.commit();
            };
          },
        });
      };
    },
  });
}

const put = (s: Store, name: string) =>
  s.write(() => ({
    ops: [{ type: "put", kind: "site", name, spec: { x: 1 } }],
    actor: "test",
    action: "site.put",
  }));

Deno.test("a commit SQLite finds busy is tried again: the write lands once, with its audit entry", async () => {
  const kv = await Deno.openKv(":memory:");
  const state = { busy: 3, tries: 0 };
  const s = new Store(busyKv(kv, state), { kinds: claimingKinds() });
  try {
    const [r] = await put(s, "a");
    assert.equal(r.after?.version, 1);
    assert.equal(state.tries, 4);
    assert.equal((await s.get("site", "a"))?.version, 1);
    assert.equal(await s.writeCount(), 1n, "one committed write, not four");
    const audit = await queryAudit(kv, {});
    assert.equal(audit.entries.filter((e) => e.action === "site.put").length, 1);
  } finally {
    s.close();
  }
});

Deno.test("a lock that outlasts the tries fails the write with SQLite's message, nothing written", async () => {
  const kv = await Deno.openKv(":memory:");
  const state = { busy: 1000, tries: 0 };
  const s = new Store(busyKv(kv, state), { kinds: claimingKinds() });
  try {
    await assert.rejects(put(s, "a"), /database is locked/);
    assert.equal(state.tries, 8);
    assert.equal(await s.get("site", "a"), null);
    state.busy = 0;
    assert.equal((await put(s, "a"))[0].after?.version, 1, "the store goes on");
  } finally {
    s.close();
  }
});

Deno.test("two stores on one KV file writing at once (two processes): every write lands", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const a = new Store(await Deno.openKv(path), { kinds: claimingKinds() });
  const b = new Store(await Deno.openKv(path), { kinds: claimingKinds() });
  try {
    // Before commits were tried again, about one in ten of these failed "database is locked".
    // One write at a time in each, so each is a commit of its own that races the other's.
    const failed: string[] = [];
    const writer = async (s: Store, from: number) => {
      for (let i = from; i < 200; i += 2) {
        await put(s, `s${i}`).catch((e) => failed.push(String(e)));
      }
    };
    await Promise.all([writer(a, 0), writer(b, 1)]);
    assert.deepEqual(failed, []);
    assert.equal((await a.list("site")).length, 200);
    assert.equal((await b.list("site")).length, 200);
  } finally {
    a.close();
    b.close();
    await Deno.remove(path).catch(() => {});
  }
});
