// The fleet's etcd client against a real 3-member cluster (Debian etcd-server
// 3.4) on loopback: one cluster for the whole file, each test on its own keys
// and bounded in time; the last tests kill members and then the whole cluster.
import assert from "node:assert/strict";
import { CompactedError, Etcd, If, op } from "../../agent/fleet/etcd.ts";
import { etcdSuite, within } from "../helpers/etcd.ts";

const { test, sleep, until } = etcdSuite();

test(
  "cluster start, put, get, range with prefix, limit, keys only, count, delete",
  20_000,
  async (c) => {
    console.log(`etcd: 3 members healthy in ${c.startMs} ms`);
    const etcd = new Etcd({ endpoints: c.endpoints });
    for (const k of ["a", "b", "c"]) await etcd.put(`/t1/${k}`, `value ${k} é`);
    await etcd.put("/t1x", "outside the prefix");
    const put = await etcd.put("/t1/a", "again", { prevKv: true });
    assert.equal(put.prevKv?.value, "value a é");

    const all = await etcd.range("/t1/", { prefix: true });
    assert.deepEqual(all.kvs.map((kv) => [kv.key, kv.value]), [
      ["/t1/a", "again"],
      ["/t1/b", "value b é"],
      ["/t1/c", "value c é"],
    ]);
    assert.equal(all.count, 3);
    assert.equal(all.kvs[0].version, 2);
    assert.equal(all.kvs[0].modRevision, put.revision);

    const two = await etcd.range("/t1/", { prefix: true, limit: 2 });
    assert.deepEqual([two.kvs.length, two.more, two.count], [2, true, 3]);
    const keys = await etcd.range("/t1/", { prefix: true, keysOnly: true });
    assert.deepEqual(keys.kvs.map((kv) => kv.value), ["", "", ""]);
    const count = await etcd.range("/t1/", { prefix: true, countOnly: true });
    assert.deepEqual([count.kvs.length, count.count], [0, 3]);
    // A read at an older revision is the snapshot then.
    assert.equal((await etcd.get("/t1/a", { revision: put.revision - 1 }))?.value, "value a é");
    assert.equal(await etcd.get("/t1/missing"), undefined);

    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await etcd.put("/t1/lat", String(i));
    const putMs = (performance.now() - t0) / 20;
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) await etcd.get("/t1/lat");
    console.log(
      `etcd: put ${putMs.toFixed(1)} ms, get ${((performance.now() - t1) / 20).toFixed(1)} ms`,
    );

    const del = await etcd.delete("/t1/", { prefix: true, prevKv: true });
    assert.equal(del.deleted, 4);
    assert.equal((await etcd.range("/t1", { prefix: true })).count, 1);
  },
);

test(
  "rangeAll reads a prefix in pages at one revision, a snapshot while others write",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    for (let i = 0; i < 25; i++) await etcd.put(`/ra/${String(i).padStart(2, "0")}`, "v1");
    await etcd.put("/ra0", "outside");
    const at = (await etcd.range("/ra/", { prefix: true, countOnly: true })).revision;
    for (let i = 0; i < 25; i += 2) await etcd.put(`/ra/${String(i).padStart(2, "0")}`, "v2");
    await etcd.delete("/ra/24");

    const then = await etcd.rangeAll("/ra/", { revision: at, pageSize: 10 });
    assert.equal(then.revision, at);
    assert.equal(then.kvs.length, 25);
    assert.deepEqual(new Set(then.kvs.map((kv) => kv.value)), new Set(["v1"]));
    assert.deepEqual(then.kvs.map((kv) => kv.key), [...then.kvs.map((kv) => kv.key)].sort());
    const now = await etcd.rangeAll("/ra/", { pageSize: 7 });
    assert.equal(now.kvs.length, 24);
    assert.equal(now.kvs.filter((kv) => kv.value === "v2").length, 12);
    // Without a revision: the current one (nothing was written since).
    assert.equal(now.revision, (await etcd.range("/ra/", { countOnly: true })).revision);
  },
);

test(
  "txn: If-Match on desired/generation's mod_revision, then items and the generation in one revision",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const gen = "/switchyard/t2/desired/generation";
    await etcd.put(gen, "1");
    const seen = (await etcd.get(gen))!;

    const write = (g: number, mod: number, site: string) =>
      etcd.txn({
        compare: [If.mod(gen, "==", mod)],
        success: [
          op.put(`/switchyard/t2/desired/sites/${site}`, `{"n":"${site}"}`),
          op.put(gen, `${g}`),
        ],
        failure: [op.range(gen)],
      });
    const ok = await write(2, seen.modRevision, "a");
    assert.equal(ok.succeeded, true);
    assert.deepEqual(ok.responses.map((r) => r.type), ["put", "put"]);
    const after = await etcd.range("/switchyard/t2/desired/", { prefix: true });
    // Both keys carry the transaction's one revision.
    assert.deepEqual(after.kvs.map((kv) => kv.modRevision), [ok.revision, ok.revision]);

    // A writer that saw the old generation loses: nothing it sent is written, and it sees why.
    const stale = await write(2, seen.modRevision, "b");
    assert.equal(stale.succeeded, false);
    const r = stale.responses[0];
    assert.ok(r.type === "range");
    assert.equal(r.kvs[0].value, "2");
    assert.equal(r.kvs[0].modRevision, ok.revision);
    assert.equal(stale.revision, ok.revision);
    assert.equal(await etcd.get("/switchyard/t2/desired/sites/b"), undefined);

    // Compares on value, version and existence.
    const v = await etcd.txn({
      compare: [If.value(gen, "==", "2"), If.version(gen, "==", 2), If.missing("/t2/none")],
      success: [op.delete("/switchyard/t2/desired/sites/", { prefix: true, prevKv: true })],
    });
    assert.equal(v.succeeded, true);
    const d = v.responses[0];
    assert.ok(d.type === "delete");
    assert.deepEqual([d.deleted, d.prevKvs[0].key], [1, "/switchyard/t2/desired/sites/a"]);
    const no = await etcd.txn({ compare: [If.created(gen, ">", ok.revision)] });
    assert.equal(no.succeeded, false);
  },
);

test(
  "watch from a revision gets exactly the later events, in order, then live ones",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    await etcd.put("/t3/before", "x");
    const from = (await etcd.put("/t3/a", "1")).revision + 1;
    await etcd.put("/t3/b", "2");
    await etcd.put("/t3/a", "3");
    await etcd.delete("/t3/b");
    await etcd.put("/t3x", "outside");

    const ctl = new AbortController();
    const seen: string[] = [];
    let lastRev = 0;
    const done = (async () => {
      for await (
        const batch of etcd.watch("/t3/", {
          prefix: true,
          startRevision: from,
          prevKv: true,
          signal: ctl.signal,
        })
      ) {
        for (const e of batch.events) {
          assert.ok(e.kv.modRevision > lastRev, "in revision order");
          lastRev = e.kv.modRevision;
          seen.push(`${e.type} ${e.kv.key}=${e.kv.value} (was ${e.prevKv?.value ?? "-"})`);
        }
        assert.ok(batch.revision >= lastRev);
        if (seen.length === 4) ctl.abort();
      }
    })();
    await until("the history", 5000, () => Promise.resolve(seen.length >= 3));
    await etcd.put("/t3/c", "live");
    await within(5000, "watch", done);
    assert.deepEqual(seen, [
      "put /t3/b=2 (was -)",
      "put /t3/a=3 (was 1)",
      "delete /t3/b= (was 2)",
      "put /t3/c=live (was -)",
    ]);
  },
);

test(
  "watch or read from a compacted revision is SHARED_STORE_COMPACTED with the compact revision",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const old = (await etcd.put("/t4/k", "1")).revision;
    const now = (await etcd.put("/t4/k", "2")).revision;
    await etcd.compact(now);
    await etcd.compact(now); // again: a no-op, not an error

    const watching = async () => {
      for await (const _ of etcd.watch("/t4/", { prefix: true, startRevision: old })) {
        assert.fail("no event from compacted history");
      }
    };
    const e = await within(5000, "compacted watch", watching().then(() => undefined, (e) => e));
    assert.ok(e instanceof CompactedError, String(e));
    assert.equal(e.code, "SHARED_STORE_COMPACTED");
    assert.equal(e.compactRevision, now);
    await assert.rejects(etcd.get("/t4/k", { revision: old }), { code: "SHARED_STORE_COMPACTED" });
    // From the compact revision on, the watch works: the resync reads at `now` and watches after.
    assert.equal((await etcd.get("/t4/k", { revision: now }))?.value, "2");
  },
);

test(
  "a lease's key goes when it expires or is revoked; a kept lease keeps it; loss is reported",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const short = await etcd.grant(1);
    await etcd.put("/t5/short", "x", { lease: short.id });
    assert.equal((await etcd.get("/t5/short"))?.lease, short.id);
    assert.deepEqual((await etcd.timeToLive(short.id)).keys, ["/t5/short"]);

    const kept = await etcd.lease(1);
    await etcd.put("/t5/kept", "x", { lease: kept.id });
    await until("the short lease's key expires", 5000, async () => !(await etcd.get("/t5/short")));
    await sleep(1500);
    assert.ok(await etcd.get("/t5/kept"), "kept alive past its TTL");
    assert.equal(kept.isLost, false);

    // Revoked under the keeper: the key goes at once and the keeper reports the loss.
    await etcd.revoke(kept.id);
    assert.equal(await etcd.get("/t5/kept"), undefined);
    const lost = await within(3000, "loss report", kept.lost);
    assert.equal(lost.code, "NOT_FOUND");
    assert.equal(await etcd.keepAliveOnce(kept.id), 0);
    assert.equal((await etcd.timeToLive(kept.id)).ttl, -1);
    await kept.stop();

    const gone = await etcd.lease(5);
    await etcd.put("/t5/revoked", "x", { lease: gone.id });
    await gone.revoke();
    assert.equal(await etcd.get("/t5/revoked"), undefined);
  },
);

test(
  "election: one leader of two; it resigns, the other leads; its lease goes, the first leads",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const name = "/switchyard/t6/election/controller";
    const a = await etcd.lease(5), b = await etcd.lease(5);
    const ctl = new AbortController();
    const leaders: string[] = [];
    const watching = (async () => {
      for await (const kv of etcd.observe(name, ctl.signal)) leaders.push(kv.value);
    })();

    const aWins = await etcd.campaign(name, a.id, "gw-a");
    let bWon = false;
    const bCampaign = etcd.campaign(name, b.id, "gw-b").then((l) => (bWon = true, l));
    await sleep(300);
    assert.equal(bWon, false, "only one leader");
    assert.equal((await etcd.leader(name))?.value, "gw-a");
    await etcd.proclaim(aWins, "gw-a (busy)");
    assert.equal((await etcd.leader(name))?.value, "gw-a (busy)");

    await etcd.resign(aWins);
    const bWins = await within(3000, "b's campaign", bCampaign);
    assert.equal(bWins.lease, b.id);
    assert.equal((await etcd.leader(name))?.value, "gw-b");

    // The leader dies: its lease goes (revoked here; expiry is the same for etcd).
    const aAgain = etcd.campaign(name, a.id, "gw-a");
    await sleep(200);
    await b.revoke();
    assert.equal((await within(3000, "a's second campaign", aAgain)).lease, a.id);
    assert.equal((await etcd.leader(name))?.value, "gw-a");
    await until("observe saw each leader", 3000, () => Promise.resolve(leaders.at(-1) === "gw-a"));
    assert.deepEqual(leaders, ["gw-a", "gw-a (busy)", "gw-b", "gw-a"]);
    ctl.abort();
    await watching;

    // A campaign given up (its signal aborted) withdraws the candidacy: it never leads later.
    const c3 = await etcd.lease(5);
    const giveUp = new AbortController();
    const c3Campaign = etcd.campaign(name, c3.id, "gw-c", { signal: giveUp.signal })
      .then(() => "won", (e) => e.name);
    await sleep(200);
    giveUp.abort();
    assert.equal(await c3Campaign, "AbortError");
    await until(
      "the candidacy is withdrawn",
      3000,
      async () =>
        (await etcd.range(`${name}/`, { prefix: true })).kvs.every((kv) => kv.lease !== c3.id),
    );
    await a.revoke();
    assert.equal(await etcd.leader(name), undefined);
    await c3.revoke();
  },
);

test.stopAtEnd();
