// The store writing through etcd (EtcdShared): each node's KV is a mirror. A
// write lands in etcd first (the record JSON without claims, one generation),
// a node whose mirror is behind catches up and plans its write again (so
// If-Match and claims are decided on the fleet's state), a node-local kind
// never reaches etcd, and with etcd out of reach nothing is written locally.
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { hostFor } from "../../agent/bootstrap.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { Store } from "../../agent/store/store.ts";
import {
  EtcdShared,
  followUpdate,
  mirrorAt,
  snapshotUpdate,
} from "../../agent/features/fleet/mirror.ts";
import { EJECTION_KIND } from "../../agent/features/health/ejection.ts";
import { tempDir } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";

const { test } = etcdSuite();
const kinds = hostFor(FEATURES).kinds;

async function node(etcd: Etcd, cluster: string, dir: string, name: string): Promise<Store> {
  const store = await Store.open(`${dir}/${name}.kv`, { kinds });
  store.shared = new EtcdShared(etcd, fleetKeys(cluster), store.kv);
  return store;
}

/** A put of `body` as the API would store it (parsed by its kind: every default in). */
const put = (kind: string, name: string, body: Record<string, unknown>, ifMatch?: number) => ({
  ops: [{ type: "put" as const, kind, name, spec: parsed(kind, name, body), ifMatch }],
  actor: "test",
  action: "put",
});

function parsed(kind: string, name: string, body: unknown): Record<string, unknown> {
  const k = kinds.list().find((k) => k.name === kind)!;
  return { ...(k.parse as (n: string, b: unknown) => object)(name, body) };
}

const code = (e: unknown) => e instanceof AgentError ? e.code : String(e);

test("a write goes to etcd first; a node behind catches up and plans again", 30_000, async (c) => {
  const dir = await tempDir("fleet-store");
  const etcd = new Etcd({ endpoints: c.endpoints });
  const keys = fleetKeys("st");
  const a = await node(etcd, "st", dir, "a");
  const b = await node(etcd, "st", dir, "b");
  let snapshots = 0; // full reads of desired/ (a catch-up from history needs none)
  const rangeAll = etcd.rangeAll.bind(etcd);
  etcd.rangeAll = (...args) => (snapshots++, rangeAll(...args));
  try {
    await a.write(() => put("pool", "web", { members: [{ address: "127.0.0.1:9001" }] }));
    const stored = await etcd.get(`${keys.desired}pool/web`);
    const rec = JSON.parse(stored!.value);
    assert.equal(rec.version, 1);
    assert.equal("_idx" in rec, false);
    assert.deepEqual(await mirrorAt(a.kv), { revision: stored!.modRevision, generation: 1 });

    // B has seen nothing: etcd refuses its guard, it catches up and writes on A's state.
    const site = { server_names: ["shop.test"], default_pool: "web" };
    await b.write(() => put("site", "shop", site));
    assert.equal((await b.get("pool", "web"))?.version, 1);
    assert.equal((await mirrorAt(b.kv)).generation, 2);
    assert.equal(snapshots, 1); // B had no mirror yet

    // A is behind now: its claim on shop.test is decided on the fleet's state (409).
    const taken = await a.write(() => put("site", "other", site)).catch(code);
    assert.equal(taken, "CONFLICT");
    assert.equal((await a.get("site", "shop"))?.version, 1); // caught up on the way
    assert.equal(snapshots, 1); // from etcd's history: only what B wrote
    // An If-Match on a version another node replaced is 412, on either node.
    await b.write(() => put("pool", "web", { members: [{ address: "127.0.0.1:9002" }] }, 1));
    const stale = await a.write(() =>
      put("pool", "web", { members: [{ address: "127.0.0.1:9003" }] }, 1)
    ).catch(code);
    assert.equal(stale, "PRECONDITION_FAILED");
    // History compacted past A's mirror: A catches up from a full read instead.
    await b.write(() => put("pool", "more", { members: [] }));
    await b.write(() => put("pool", "most", { members: [] }));
    await etcd.compact((await etcd.get(keys.generation))!.modRevision);
    await a.write(() => put("pool", "after", { members: [] }));
    assert.equal((await a.get("pool", "more"))?.version, 1);
    assert.equal(snapshots, 2);

    // A node's own kind stays local: no generation for it.
    const gen = (await etcd.get(keys.generation))!.value;
    await a.write(() => put(EJECTION_KIND, "web", { members: [] }));
    assert.equal((await etcd.get(keys.generation))!.value, gen);
    assert.equal(await etcd.get(`${keys.desired}${EJECTION_KIND}/web`), undefined);

    // A snapshot replaces the mirrored records (not the local kind).
    await etcd.delete(`${keys.desired}site/shop`);
    const snap = await etcd.rangeAll(keys.desired);
    const changed = await b.mirror(() => Promise.resolve(snapshotUpdate(keys, snap.kvs)));
    assert.deepEqual(changed, ["pool/after", "site/shop"]); // B had not seen A's last
    assert.equal(await b.get("site", "shop"), null);
    assert.equal(
      await b.indexOwner(b.claimsOf("site", parsed("site", "shop", site) as never)[0]),
      null,
    );
    await a.mirror(() => Promise.resolve(snapshotUpdate(keys, snap.kvs)));
    assert.ok(await a.get(EJECTION_KIND, "web"));
  } finally {
    a.close();
    b.close();
    etcd.close();
    await Deno.remove(dir, { recursive: true });
  }
});

test(
  "a burst is split into transactions etcd takes; one change too large is refused",
  30_000,
  async (c) => {
    const dir = await tempDir("fleet-store");
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("burst");
    const a = await node(etcd, "burst", dir, "a");
    try {
      const names = Array.from({ length: 300 }, (_, i) => `p${i}`);
      const burst = async (s: Store) => {
        const t0 = performance.now();
        await Promise.all(names.map((n) => s.write(() => put("pool", n, { members: [] }))));
        return Math.round(performance.now() - t0);
      };
      const local = await Store.open(`${dir}/kv-only.kv`, { kinds });
      const kvMs = await burst(local).finally(() => local.close());
      const etcdMs = await burst(a);
      const one = performance.now();
      await a.write(() => put("pool", "single", { members: [] }));
      const oneMs = Math.round(performance.now() - one);
      console.log(
        `300 concurrent writes: kv ${kvMs} ms, etcd ${etcdMs} ms; one etcd write ${oneMs} ms`,
      );
      const r = await etcd.range(`${keys.desired}pool/`, { prefix: true, countOnly: true });
      assert.equal(r.count, 301);
      const gen = Number((await etcd.get(keys.generation))!.value);
      assert.ok(gen >= 3, `at most 127 records a transaction: ${gen} generations`);
      assert.equal((await mirrorAt(a.kv)).generation, gen);
      const big = await a.write(() => ({
        ops: names.slice(0, 130).map((n) => ({
          type: "put" as const,
          kind: "pool",
          name: n,
          spec: parsed("pool", n, { members: [{ address: "127.0.0.1:9" }] }),
        })),
        actor: "test",
        action: "put",
      })).catch((e) => e);
      assert.equal(code(big), "VALIDATION_FAILED");
      assert.match(big.message, /too large for one etcd transaction/);
      assert.equal((await a.get("pool", "p0"))?.version, 1);
    } finally {
      a.close();
      etcd.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

test("etcd out of reach: the write fails 503 and nothing is written locally", 30_000, async () => {
  const dir = await tempDir("fleet-store");
  const etcd = new Etcd({ endpoints: ["http://127.0.0.1:9"], timeoutMs: 1000 });
  const a = await node(etcd, "st", dir, "down");
  try {
    const e = await a.write(() => put("pool", "web", { members: [] })).catch((e) => e);
    assert.equal(code(e), "SHARED_STORE_UNAVAILABLE");
    assert.equal(e.status, 503);
    assert.equal(await a.get("pool", "web"), null);
    assert.equal(await a.writeCount(), 0n);
    assert.equal(a.seq, 0);
  } finally {
    a.close();
    etcd.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a snapshot older than the mirror is left out; changes it has are skipped", () => {
  const keys = fleetKeys("st");
  const kv = (key: string, value: string, rev: number) => ({
    key,
    value,
    createRevision: rev,
    modRevision: rev,
    version: 1,
    lease: "",
  });
  const pool = JSON.stringify({ name: "web", version: 1, members: [] });
  const snap = [kv(keys.generation, "3", 5), kv(`${keys.desired}pool/web`, pool, 5)];
  const from = { revision: 9, generation: 4 };
  const older = { type: "snapshot" as const, revision: 6, kvs: snap, reason: "start" as const };
  assert.equal(followUpdate(keys, older, from), null);
  assert.equal(followUpdate(keys, older, { revision: 5, generation: 3 })?.changes.length, 1);
  const own = [{ type: "put" as const, kv: kv(`${keys.desired}pool/web`, pool, 9) }];
  assert.equal(followUpdate(keys, { type: "changes", revision: 9, events: own }, from), null);
});

test.stopAtEnd();
