// commitDesired on a real 3-member etcd: the items and generation + 1 in one
// revision, If-Match on the generation, per-record conditions, concurrent
// writers each getting their own generation, and the raft leader killed
// mid-burst: no acknowledged write lost, no generation counted twice.
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { commitDesired, readGeneration } from "../../agent/fleet/desired.ts";
import { follow } from "../../agent/fleet/follow.ts";
import { Etcd, If } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { etcdSuite } from "../helpers/etcd.ts";

const { test } = etcdSuite();

test(
  "a write is its items and the next generation in one revision; a stale If-Match is 412",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("d1");
    const site = `${keys.desired}sites/a`;
    assert.deepEqual(await readGeneration(etcd, keys), { generation: 0, revision: 0 });
    const one = await commitDesired(etcd, keys, { puts: { [site]: '{"v":1}' } });
    assert.equal(one.generation, 1);
    const kv = await etcd.get(site);
    assert.equal(kv?.modRevision, one.revision);
    assert.deepEqual(await readGeneration(etcd, keys), { generation: 1, revision: one.revision });

    const two = await commitDesired(etcd, keys, {
      puts: { [site]: '{"v":2}' },
      expectRevision: one.revision,
    });
    assert.equal(two.generation, 2);
    // A writer that saw generation 1 loses, and nothing of it is written.
    await assert.rejects(
      commitDesired(etcd, keys, {
        puts: { [`${keys.desired}sites/b`]: "{}" },
        expectRevision: one.revision,
      }),
      (e: unknown) => {
        assert.ok(e instanceof AgentError);
        assert.equal(e.code, "PRECONDITION_FAILED");
        assert.equal(e.status, 412);
        assert.deepEqual([e.detail.generation, e.detail.revision], [2, two.revision]);
        return true;
      },
    );
    assert.equal(await etcd.get(`${keys.desired}sites/b`), undefined);

    // A per-record condition (the record's own If-Match) that fails: 412, with its revision.
    await assert.rejects(
      commitDesired(etcd, keys, {
        deletes: [site],
        compare: [If.mod(site, "==", one.revision)],
      }),
      (e: unknown) => {
        assert.ok(e instanceof AgentError && e.code === "PRECONDITION_FAILED");
        assert.deepEqual(e.detail.current, [{ key: site, mod_revision: two.revision }]);
        return true;
      },
    );
    const three = await commitDesired(etcd, keys, {
      deletes: [site],
      compare: [If.mod(site, "==", two.revision)],
    });
    assert.equal(three.generation, 3);
    assert.equal(await etcd.get(site), undefined);
    await assert.rejects(commitDesired(etcd, keys, { puts: { "/elsewhere": "x" } }), {
      code: "INTERNAL",
    });
  },
);

test(
  "concurrent writers without If-Match: each gets its own generation, none lost",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("d2");
    const n = 12;
    const done = await Promise.all(
      Array.from(
        { length: n },
        (_, i) =>
          commitDesired(etcd, keys, { puts: { [`${keys.desired}p/${i}`]: `${i}` } }, {
            attempts: n + 1,
          }),
      ),
    );
    assert.deepEqual(
      done.map((d) => d.generation).sort((a, b) => a - b),
      [
        ...Array.from({ length: n }, (_, i) => i + 1),
      ],
    );
    assert.equal((await readGeneration(etcd, keys)).generation, n);
    assert.equal((await etcd.range(`${keys.desired}p/`, { prefix: true })).count, n);
  },
);

/**
 * A proxy in front of one member that loses the answer of the next `/v3/kv/txn`
 * ("after": etcd applied it; "before": it never reached etcd).
 */
function lossyProxy(target: string) {
  let lose: "after" | "before" | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const body = await req.arrayBuffer();
    const broken = () =>
      new Response(new ReadableStream({ start: (c) => c.error(new Error("lost")) }), {
        headers: { "content-length": "1000" },
      });
    const mode = path === "/v3/kv/txn" ? lose : undefined;
    if (mode) lose = undefined;
    if (mode === "before") return broken();
    const r = await fetch(`${target}${path}`, { method: "POST", body, headers: req.headers });
    const text = await r.text();
    return mode === "after" ? broken() : new Response(text, { status: r.status });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    loseNext: (m: "after" | "before") => lose = m,
    close: () => server.shutdown(),
  };
}

test(
  "a commit whose answer was lost is known by reading back: applied once, or sent again",
  20_000,
  async (c) => {
    const proxy = lossyProxy(c.endpoints[0]);
    const etcd = new Etcd({ endpoints: [proxy.url, ...c.endpoints.slice(1)] });
    const keys = fleetKeys("d4");
    try {
      await commitDesired(etcd, keys, { puts: { [`${keys.desired}a`]: "0" } });
      proxy.loseNext("after");
      const applied = await commitDesired(etcd, keys, { puts: { [`${keys.desired}a`]: "1" } });
      assert.deepEqual([applied.generation, applied.resolved], [2, true]);
      proxy.loseNext("before");
      const again = await commitDesired(etcd, keys, { puts: { [`${keys.desired}a`]: "2" } });
      assert.deepEqual([again.generation, again.resolved], [3, undefined]);
      assert.equal((await readGeneration(etcd, keys)).generation, 3);
      assert.equal((await etcd.get(`${keys.desired}a`))?.value, "2");
      // A plain txn with its answer lost is not repeated: the caller is told it may have applied.
      proxy.loseNext("after");
      await assert.rejects(etcd.txn({}), (e: unknown) => {
        assert.ok(e instanceof AgentError && e.code === "SHARED_STORE_UNAVAILABLE");
        assert.equal(e.detail.ambiguous, true);
        return true;
      });
    } finally {
      etcd.close();
      await proxy.close();
    }
  },
);

test(
  "the etcd leader killed during a burst of commits: every acknowledged one there, generations exact",
  60_000,
  async (c) => {
    const leader = await c.leader();
    const endpoints = [c.endpoints[leader], ...c.endpoints.filter((_, i) => i !== leader)];
    const etcd = new Etcd({ endpoints, timeoutMs: 2000 });
    const keys = fleetKeys("d3");
    const acked: { key: string; generation: number; resolved: boolean }[] = [];
    const unknown: string[] = [];
    let next = 0;
    const total = 120;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const key = `${keys.desired}sites/s${String(i).padStart(4, "0")}`;
        try {
          const r = await commitDesired(etcd, keys, { puts: { [key]: `${i}` } }, { attempts: 20 });
          acked.push({ key, generation: r.generation, resolved: !!r.resolved });
        } catch (e) {
          assert.ok(e instanceof AgentError && e.code === "SHARED_STORE_UNAVAILABLE", String(e));
          unknown.push(key);
        }
        if (i === 30) await c.kill(leader);
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));

    const stored = new Set(
      (await etcd.range(`${keys.desired}sites/`, { prefix: true })).kvs.map((kv) => kv.key),
    );
    assert.deepEqual(acked.filter((a) => !stored.has(a.key)), [], "no acknowledged write lost");
    const gens = acked.map((a) => a.generation);
    assert.equal(new Set(gens).size, gens.length, "no generation given to two writes");
    // Each stored write bumped the generation once (an unknown one may have landed).
    const gen = (await readGeneration(etcd, keys)).generation;
    assert.equal(gen, stored.size, `generation ${gen} for ${stored.size} stored writes`);
    console.log(
      `commits: ${acked.length}/${total} acknowledged (${
        acked.filter((a) => a.resolved).length
      } known only by reading back), ${unknown.length} unknown`,
    );
    await c.restart(leader);
    etcd.close();
  },
);

test(
  "follow desired/: a snapshot, then changes; from an applied revision, only what came after; after compaction, a full snapshot again",
  20_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("d5");
    for (const n of ["a", "b", "c"]) {
      await commitDesired(etcd, keys, { puts: { [`${keys.desired}sites/${n}`]: n } });
    }
    const ctl = new AbortController();
    const updates = follow(etcd, keys.desired, { signal: ctl.signal, pageSize: 2 });
    const first = (await updates.next()).value!;
    assert.ok(first.type === "snapshot");
    assert.equal(first.reason, "start");
    assert.deepEqual(first.kvs.map((kv) => kv.key.slice(keys.desired.length)), [
      "generation",
      "sites/a",
      "sites/b",
      "sites/c",
    ]);
    const w4 = await commitDesired(etcd, keys, { puts: { [`${keys.desired}sites/d`]: "d" } });
    const second = (await updates.next()).value!;
    assert.ok(second.type === "changes");
    assert.equal(second.revision, w4.revision);
    assert.deepEqual(second.events.map((e) => [e.type, e.kv.key.slice(keys.desired.length)]), [
      ["put", "sites/d"],
      ["put", "generation"],
    ]);
    ctl.abort();
    await updates.return();
    const applied = second.revision;

    // The node is stopped; two writes, then history compacted past what it applied.
    await commitDesired(etcd, keys, { deletes: [`${keys.desired}sites/a`] });
    const w6 = await commitDesired(etcd, keys, { puts: { [`${keys.desired}sites/e`]: "e" } });
    const resumed = follow(etcd, keys.desired, { fromRevision: applied });
    const next = (await resumed.next()).value!;
    assert.ok(next.type === "changes", "without compaction: only the changes");
    assert.equal(next.events[0].type, "delete");
    await resumed.return();

    await etcd.compact(w6.revision);
    const ctl2 = new AbortController();
    const restarted = follow(etcd, keys.desired, { fromRevision: applied, signal: ctl2.signal });
    const snap = (await restarted.next()).value!;
    assert.ok(snap.type === "snapshot");
    assert.equal(snap.reason, "compacted");
    assert.ok(snap.revision >= w6.revision);
    assert.deepEqual(snap.kvs.map((kv) => kv.key.slice(keys.desired.length)), [
      "generation",
      "sites/b",
      "sites/c",
      "sites/d",
      "sites/e",
    ]);
    assert.equal(snap.kvs[0].value, "6");
    const w7 = await commitDesired(etcd, keys, { puts: { [`${keys.desired}sites/f`]: "f" } });
    const after = (await restarted.next()).value!;
    assert.ok(after.type === "changes" && after.revision === w7.revision);
    ctl2.abort();
    await restarted.return();
    etcd.close();
  },
);

test.stopAtEnd();
