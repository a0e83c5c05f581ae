// Group commit: concurrent writes share one atomic KV operation, yet each gets its
// own answer (If-Match, claims, create-only), its own audit entry, and a refused
// write never fails the others.
import assert from "node:assert/strict";
import { Store } from "../../agent/store/store.ts";
import { queryAudit } from "../../agent/store/audit.ts";
import { claimingKinds } from "../helpers/kinds.ts";
import type { WritePlan } from "../../agent/store/ops.ts";

async function withStore(fn: (s: Store) => Promise<void>) {
  const s = new Store(await Deno.openKv(":memory:"), { kinds: claimingKinds() });
  try {
    await fn(s);
  } finally {
    s.close();
  }
}

const plan = (name: string, spec: Record<string, unknown>, extra = {}): WritePlan => ({
  ops: [{ type: "put", kind: "site", name, spec, ...extra }],
  actor: `actor-${name}`,
  action: "site.put",
});

type Answer = { ok: true; version: number } | { ok: false; code: string };
const answer = (p: Promise<{ after: { version: number } | null }[]>): Promise<Answer> =>
  p.then(
    (r) => ({ ok: true as const, version: r[0].after?.version ?? 0 }),
    (e) => ({ ok: false as const, code: e.code }),
  );

Deno.test("concurrent writes commit together; each gets its own answer", async () => {
  await withStore(async (s) => {
    await s.write(() => plan("v", { x: 0 }));
    const seq0 = s.seq;
    const count0 = await s.writeCount();
    const answers = await Promise.all([
      answer(s.write(() => plan("a", { claims: ["x.test"] }))),
      answer(s.write(() => plan("b", { claims: ["x.test"] }))), // a holds it by now
      answer(s.write(() => plan("v", { x: 1 }, { ifMatch: 1 }))),
      answer(s.write(() => plan("v", { x: 2 }, { ifMatch: 1 }))), // v is at 2 by now
      answer(s.write(() => plan("c", { n: 1 }, { ifAbsent: true }))),
      answer(s.write(() => plan("c", { n: 2 }, { ifAbsent: true }))),
      answer(
        s.write(() => ({ ...plan("d", {}), ops: [{ type: "delete", kind: "site", name: "v" }] })),
      ),
      answer(s.write(() => plan("e", { claims: ["e.test"] }))),
    ]);
    assert.deepEqual(answers, [
      { ok: true, version: 1 },
      { ok: false, code: "CONFLICT" },
      { ok: true, version: 2 },
      { ok: false, code: "PRECONDITION_FAILED" },
      { ok: true, version: 1 },
      { ok: false, code: "CONFLICT" },
      { ok: true, version: 0 }, // deleted
      { ok: true, version: 1 },
    ]);
    assert.equal(s.seq - seq0, 1, "one commit for the group");
    assert.equal(await s.writeCount() - count0, 1n);
    assert.equal(await s.indexOwner(["server_name", "80", "x.test"]), "site/a");
    assert.equal(await s.get("site", "v"), null, "the delete saw v's update of the same group");
    assert.equal((await s.get("site", "c"))!.n, 1);
    for (const [name, action] of [["a", "site.put"], ["c", "site.put"], ["e", "site.put"]]) {
      const { entries } = await queryAudit(s.kv, { entity: `site/${name}` });
      assert.deepEqual(entries.map((x) => [x.action, x.actor]), [[action, `actor-${name}`]]);
    }
    const v = (await queryAudit(s.kv, { entity: "site/v" })).entries;
    assert.deepEqual(v.map((x) => [x.action, x.actor, x.outcome]), [
      ["site.put", "actor-d", "pending"], // the delete (its plan's action)
      ["site.put", "actor-v", "pending"],
      ["site.put", "actor-v", "pending"],
    ]);
    assert.equal(v[0].after, null);
    assert.equal((v[1].after as { x: number }).x, 1);
    assert.equal((await queryAudit(s.kv, { entity: "site/b" })).entries.length, 0);
  });
});

Deno.test("a plan sees the earlier writes of its group, and a throwing plan fails alone", async () => {
  await withStore(async (s) => {
    const seq0 = s.seq;
    const pool: WritePlan = {
      ops: [{ type: "put", kind: "pool", name: "p", spec: {} }],
      actor: "t",
      action: "pool.put",
    };
    const [a, b, c] = await Promise.all([
      answer(s.write(() => pool)),
      answer(s.write(async () => {
        // A site's reference check, as sitePutOp does it: the pool of this group counts.
        if (!(await s.get("pool", "p"))) throw Object.assign(new Error("no pool"), { code: "X" });
        assert.deepEqual((await s.list("pool")).map((r) => r.name), ["p"]);
        assert.ok((await s.all()).has("pool/p"));
        return plan("uses-p", { pool: "p" });
      })),
      answer(s.write(() => {
        throw Object.assign(new Error("refused"), { code: "VALIDATION_FAILED" });
      })),
    ]);
    assert.deepEqual([a, b, c], [
      { ok: true, version: 1 },
      { ok: true, version: 1 },
      { ok: false, code: "VALIDATION_FAILED" },
    ]);
    assert.equal(s.seq - seq0, 1);
    assert.equal(await s.get("pool", "p").then((r) => r?.version), 1);
  });
});

Deno.test("writes past one atomic operation's limits go to the next group, all committed", async () => {
  await withStore(async (s) => {
    const seq0 = s.seq;
    // 30 writes of 40 claims each: about 1,300 mutations, over the 1,000 of one operation.
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => {
      const claims = Array.from({ length: 40 }, (_, j) => `n${i}-${j}.test`);
      return s.write(() => plan(`s${i}`, { claims }));
    }));
    assert.equal(rs.filter((r) => r[0].created).length, 30);
    assert.ok(s.seq - seq0 >= 2 && s.seq - seq0 <= 3, `${s.seq - seq0} commits`);
    assert.equal(await s.indexOwner(["server_name", "80", "n29-39.test"]), "site/s29");
    assert.equal((await queryAudit(s.kv, { entity: "site", pageSize: 500 })).entries.length, 30);
  });
});

Deno.test("a group whose commit another process broke: each write tries again alone", async () => {
  await withStore(async (s) => {
    await s.write(() => plan("a", { x: 0 }));
    let sneaked = false;
    const [a, b] = await Promise.all([
      answer(s.write(() => plan("a", { x: 1 }))),
      answer(s.write(async () => {
        if (!sneaked) {
          sneaked = true; // another agent process writes site a meanwhile
          await s.kv.set(["rec", "site", "a"], {
            v: { name: "a", x: 9, version: 7, created_at: "", updated_at: "" },
          });
        }
        return plan("b", { y: 1 });
      })),
    ]);
    assert.deepEqual([a, b], [{ ok: true, version: 8 }, { ok: true, version: 1 }]);
    assert.equal((await s.get("site", "a"))!.x, 1);
  });
});

Deno.test("a group reads ahead: its plans' reads run at once, each key once; the answers are the same", async () => {
  const kv = await Deno.openKv(":memory:");
  const s = new Store(kv, { kinds: claimingKinds() });
  try {
    for (let i = 0; i < 20; i++) {
      await s.write(() => ({
        ...plan("x", {}),
        ops: [{ type: "put", kind: "pool", name: `p${i}`, spec: {} }],
      }));
    }
    let inFlight = 0, most = 0;
    const reads = new Map<string, number>();
    const get = kv.get.bind(kv);
    kv.get = (<T>(key: Deno.KvKey) => {
      reads.set(JSON.stringify(key), (reads.get(JSON.stringify(key)) ?? 0) + 1);
      most = Math.max(most, ++inFlight);
      return get<T>(key).finally(() => inFlight--);
    }) as typeof kv.get;
    const readAhead = { readAhead: true };
    const answers = await Promise.all([
      answer(
        s.write(
          () => ({
            ...plan("x", {}),
            ops: [{ type: "put", kind: "pool", name: "fresh", spec: {} }],
          }),
          readAhead,
        ),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        answer(s.write(async () => {
          // a site's reference checks, twice over the same pool
          if (!(await s.get("pool", `p${i}`)) || !(await s.get("pool", `p${i}`))) {
            throw new Error("no pool");
          }
          if (!(await s.get("pool", "fresh"))) {
            throw Object.assign(new Error("no fresh"), { code: "X" });
          }
          return plan(`s${i}`, { claims: ["taken.test"] });
        }, readAhead))),
    ]);
    // The plans ran in order against the group's writes: the pool written first is seen, and
    // the claim goes to the first site only.
    assert.deepEqual(answers[0], { ok: true, version: 1 });
    assert.deepEqual(answers[1], { ok: true, version: 1 });
    assert.ok(
      answers.slice(2).every((a) => !a.ok && a.code === "CONFLICT"),
      JSON.stringify(answers),
    );
    assert.equal(await s.indexOwner(["server_name", "80", "taken.test"]), "site/s0");
    assert.ok(most > 1, `the group's reads ran one at a time (at most ${most} in flight)`);
    assert.equal(
      reads.get(JSON.stringify(["rec", "pool", "p7"])),
      1,
      "pool p7 read once by the group",
    );
  } finally {
    s.close();
  }
});
