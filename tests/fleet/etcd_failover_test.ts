// The etcd client when members die: the raft leader killed during a burst of
// transactions (every write the client saw succeed is there afterwards; a
// watch and a kept lease ride through), then the whole cluster down
// (SHARED_STORE_UNAVAILABLE within the timeout, never a hang).
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { Etcd, If, op } from "../../agent/fleet/etcd.ts";
import { etcdSuite, within } from "../helpers/etcd.ts";

const { test, sleep, until } = etcdSuite();

test(
  "kill the etcd leader during a burst of txn writes: every acknowledged write is there",
  60_000,
  async (c) => {
    const leader = await c.leader();
    // The leader first: the client is talking to it when it dies.
    const endpoints = [c.endpoints[leader], ...c.endpoints.filter((_, i) => i !== leader)];
    const etcd = new Etcd({ endpoints, timeoutMs: 2000 });
    const kept = await etcd.lease(2);
    await etcd.put("/burst/kept", "x", { lease: kept.id });

    const ctl = new AbortController();
    const watched: string[] = [];
    const watching = (async () => {
      for await (const b of etcd.watch("/burst/w/", { prefix: true, signal: ctl.signal })) {
        for (const e of b.events) watched.push(e.kv.key);
      }
    })().then(() => undefined, (e) => e);
    await sleep(100);

    const acked: string[] = [];
    const failed: AgentError[] = [];
    let killedAt = 0, firstAckAfterKill = 0;
    const total = 200, workers = 4;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const key = `/burst/w/${String(i).padStart(4, "0")}`;
        const started = performance.now();
        try {
          const r = await etcd.txn({ compare: [If.missing(key)], success: [op.put(key, `${i}`)] });
          assert.equal(r.succeeded, true);
          acked.push(key);
          // The failover gap: from the kill to the first write sent after it that succeeded.
          if (killedAt && started > killedAt && !firstAckAfterKill) {
            firstAckAfterKill = performance.now();
          }
        } catch (e) {
          assert.ok(e instanceof AgentError, String(e));
          failed.push(e);
        }
        if (i === 50) {
          killedAt = performance.now();
          await c.kill(leader);
        }
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: workers }, worker));
    const burstMs = performance.now() - t0;

    const stored = new Set((await etcd.range("/burst/w/", { prefix: true, keysOnly: true })).kvs
      .map((kv) => kv.key));
    const lost = acked.filter((k) => !stored.has(k));
    assert.deepEqual(lost, [], "no acknowledged write lost");
    assert.ok(acked.length >= total - 10, `most writes went through: ${acked.length}/${total}`);
    assert.ok(firstAckAfterKill > 0, "writes succeed after the leader died");
    for (const e of failed) assert.equal(e.code, "SHARED_STORE_UNAVAILABLE", e.message);
    console.log(
      `burst: ${acked.length}/${total} acknowledged in ${Math.round(burstMs)} ms, ` +
        `${failed.length} failed (${
          failed.map((e) => e.detail.ambiguous ? "ambiguous" : "unavailable")
        }), ` +
        `first ack ${Math.round(firstAckAfterKill - killedAt)} ms after the kill`,
    );

    // The watch resumed on another member: every stored key once, none twice.
    await until(
      "the watch caught up",
      10_000,
      () => Promise.resolve(watched.length >= stored.size),
    );
    assert.equal(new Set(watched).size, watched.length, "no event twice");
    assert.deepEqual([...new Set(watched)].sort(), [...stored].sort());
    ctl.abort();
    assert.equal(await watching, undefined, "the watch ended on abort, not on an error");

    assert.equal(kept.isLost, false, "the kept lease rode through");
    assert.ok(await etcd.get("/burst/kept"));
    await kept.revoke();

    const t1 = performance.now();
    await c.restart(leader);
    console.log(`restarted member healthy in ${Math.round(performance.now() - t1)} ms`);
    etcd.close();
  },
);

test(
  "quorum lost: a watch on the member left ends SHARED_STORE_UNAVAILABLE instead of going silent",
  30_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: [c.endpoints[2]], timeoutMs: 1500 });
    const ctl = new AbortController();
    const watching = (async () => {
      for await (const _ of etcd.watch("/quorum/", { prefix: true, signal: ctl.signal })) {
        /* none */
      }
    })().then(() => undefined, (e) => e);
    await sleep(200);
    await c.kill(0);
    await c.kill(1);
    // The watch asks for a leader (grpc-metadata-hasleader): the member cancels it.
    const e = await within(10_000, "the watch notices", watching);
    assert.ok(e instanceof AgentError, String(e));
    assert.equal(e.code, "SHARED_STORE_UNAVAILABLE");
    assert.match(e.message, /no leader/);
    await assert.rejects(etcd.range("/quorum/"), { code: "SHARED_STORE_UNAVAILABLE" });
    // The member knows it has no leader: it refuses before proposing, so the write is surely
    // not applied (not "ambiguous").
    await assert.rejects(etcd.put("/quorum/k", "lost"), (e: unknown) => {
      assert.ok(e instanceof AgentError && e.code === "SHARED_STORE_UNAVAILABLE", String(e));
      assert.match(e.message, /no leader/);
      assert.equal(e.detail.ambiguous, undefined);
      return true;
    });
    await Promise.all([c.restart(0), c.restart(1)]);
    await etcd.put("/quorum/k", "back");
    assert.equal((await etcd.get("/quorum/k"))?.value, "back");
    ctl.abort();
    etcd.close();
  },
);

test(
  "the whole cluster down: SHARED_STORE_UNAVAILABLE within the timeout, then back",
  60_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints, timeoutMs: 1000 });
    await etcd.put("/down/k", "before");
    const lease = await etcd.lease(1);
    let lostAt = 0;
    lease.lost.then(() => lostAt = performance.now());
    const ctl = new AbortController();
    const watching = (async () => {
      for await (const _ of etcd.watch("/down/", { prefix: true, signal: ctl.signal })) {
        /* none */
      }
    })().then(() => undefined, (e) => e);

    for (let i = 0; i < c.members.length; i++) await c.kill(i);
    const downAt = performance.now();
    for (
      const [what, call] of [
        ["put", () => etcd.put("/down/k", "during")],
        ["txn", () => etcd.txn({ success: [op.put("/down/k", "during")] })],
        ["range", () => etcd.range("/down/", { prefix: true })],
        ["grant", () => etcd.grant(5)],
      ] as const
    ) {
      const t0 = performance.now();
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof AgentError, String(e));
        assert.equal(e.code, "SHARED_STORE_UNAVAILABLE", e.message);
        assert.equal(e.status, 503);
        return true;
      });
      const ms = performance.now() - t0;
      assert.ok(ms < 3 * 1000 + 500, `${what} failed after ${ms} ms`);
    }
    const w = await within(10_000, "the watch gives up", watching);
    assert.ok(w instanceof AgentError && w.code === "SHARED_STORE_UNAVAILABLE", String(w));
    const lost = await within(5000, "the lease loss report", lease.lost);
    assert.equal(lost.code, "SHARED_STORE_UNAVAILABLE");
    console.log(`lease loss reported ${Math.round(lostAt - downAt)} ms after the cluster died`);

    // Back on the same data: what was acknowledged before is there.
    const t1 = performance.now();
    await Promise.all(c.members.map((_, i) => c.restart(i)));
    console.log(`cluster back in ${Math.round(performance.now() - t1)} ms`);
    assert.equal((await etcd.get("/down/k"))?.value, "before");
    ctl.abort();
    etcd.close();
  },
);

test.stopAtEnd();
