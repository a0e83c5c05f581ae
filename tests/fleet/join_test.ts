// `agent fleet join` with a real 3-member etcd (--max-txn-ops=16, so the
// limit is one the join must respect) and real agents with their own nginx: a
// stopped single host's state (sites, pools, a sealed nanio credential) goes
// into the empty fleet prefix; restarted with store = "etcd" it serves the
// same sites without a refusal or a new apply, and a second node on an empty
// data_dir serves them too. A join into a non-empty prefix, with etcd down,
// while the agent runs, or with store = "kv" is refused and writes nothing. A
// join of several transactions reads as not joined until its last one.
import assert from "node:assert/strict";
import { runCli } from "../../agent/cli/main.ts";
import { acquireLock } from "../../agent/cli/lock.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { hostFor } from "../../agent/bootstrap.ts";
import { AgentError } from "../../agent/errors.ts";
import { Etcd, If, op } from "../../agent/fleet/etcd.ts";
import { commitDesired } from "../../agent/fleet/desired.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { joinFleet } from "../../agent/features/fleet/join.ts";
import { META, mirrorAt } from "../../agent/features/fleet/mirror.ts";
import { generateSecret } from "../../agent/store/secrets.ts";
import { Store } from "../../agent/store/store.ts";
import { freePort, startTestAgent, tempDir, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode, serves } from "./helpers.ts";

const { test, until } = etcdSuite({ args: ["--max-txn-ops=16"] });
const kinds = hostFor(FEATURES).kinds;
const secret = generateSecret();
const NANIO_SECRET = "nanio-secret-value-123";
const poolKind = kinds.list().find((k) => k.name === "pool")!;
/** A pool as the API would store it (parsed: every default in). */
const poolSpec = (name: string) => ({
  ...(poolKind.parse as (n: string, b: unknown) => object)(name, { members: [] }),
});

/** `agent fleet join ARGS` as an operator runs it, on the settings of `dir`'s config.toml. */
async function join(dir: string, settings: Record<string, string>, ...args: string[]) {
  const toml = Object.entries({ data_dir: `${dir}/data`, secret, ...settings })
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n");
  await Deno.writeTextFile(`${dir}/join.toml`, toml + "\n");
  const out: string[] = [], err: string[] = [];
  const code = await runCli(["fleet", "join", "--config", `${dir}/join.toml`, ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
  }, { features: FEATURES });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const etcdMode = (endpoints: string[], cluster: string, node: string) => ({
  store: "etcd",
  etcd_endpoints: endpoints.join(","),
  cluster,
  node_name: node,
});

/** Every record of the agent's state, as the API lists them. */
async function records(t: TestAgent) {
  const out: Record<string, unknown> = {};
  for (const kind of ["pools", "sites"]) {
    const r = await t.api("GET", `/api/${kind}`);
    for (const x of r.body[kind]) out[`${kind}/${x.name}`] = x;
  }
  return out;
}

test(
  "a stopped single host joins: it restarts in etcd mode serving the same; a new node serves it too",
  80_000,
  async (c) => {
    const alpha = httpBackend("alpha");
    const beta = httpBackend("beta");
    const cluster = "joined";
    const keys = fleetKeys(cluster);
    const etcd = new Etcd({ endpoints: c.endpoints });
    let a: TestAgent | null = await startTestAgent({ overrides: { secret } });
    let b: TestAgent | null = null;
    try {
      const put = async (path: string, body: unknown) => {
        const r = await a!.api("PUT", path, body);
        assert.equal(r.status, 201, JSON.stringify(r.body));
      };
      await put("/api/pools/web", { members: [{ address: alpha.address }] });
      await put("/api/pools/s3", {
        type: "nanio",
        members: [{ address: "127.0.0.1:9" }],
        credentials: { access_key: "AKJOIN", secret_key: NANIO_SECRET },
      });
      await put("/api/sites/web", { server_names: ["web.test"], default_pool: "web" });
      await put("/api/sites/shop", { server_names: ["shop.test"], default_pool: "web" });
      assert.ok(await serves(a, "web.test", "alpha"));
      const before = await records(a);
      const generation = a.agent.rt.reconciler.currentGeneration;
      const dir = a.dir;
      const single = a;
      a = null;
      await single.close();

      const settings = etcdMode(c.endpoints, cluster, "gw-a");
      const dry = await join(dir, settings, "--dry-run");
      assert.equal(dry.code, 0, dry.err);
      assert.match(
        dry.out,
        /^dry run: would copy 4 record\(s\) into \/switchyard\/joined\/desired\//,
      );
      assert.match(dry.out, /^ {2}pool +2$/m);
      assert.match(dry.out, /^ {2}site +2$/m);
      assert.equal((await etcd.range(keys.desired, { prefix: true, countOnly: true })).count, 0);

      // Another node's `secret` would not open the sealed credential: refused.
      const wrong = await join(dir, { ...settings, secret: generateSecret() });
      assert.equal(wrong.code, 1);
      assert.match(wrong.err, /VALIDATION_FAILED: secret: does not open a sealed value: pool\/s3/);
      assert.equal((await etcd.range(keys.desired, { prefix: true, countOnly: true })).count, 0);

      const t0 = performance.now();
      const done = await join(dir, settings);
      const joinMs = Math.round(performance.now() - t0);
      assert.equal(done.code, 0, done.err);
      assert.match(done.out, /^joined fleet joined: copied 4 record\(s\) .* in 1 transaction/);
      assert.match(
        done.out,
        /2 sealed secret field\(s\) copied as ciphertext: every node .* `secret`/,
      );
      assert.equal((await etcd.get(keys.generation))?.value, "1");
      const stored = await etcd.rangeAll(keys.desired);
      assert.equal(stored.kvs.length, 5); // 4 records and the generation
      const s3 = JSON.parse((await etcd.get(`${keys.desired}pool/s3`))!.value);
      assert.match(s3.credentials.secret_key, /^sealed:v1:/);
      assert.ok(!stored.kvs.some((kv) => kv.value.includes(NANIO_SECRET)), "no plain secret");
      assert.ok(!stored.kvs.some((kv) => kv.value.includes('"_idx"')), "no claims in etcd");

      // Restarted in etcd mode on the same data_dir: no refusal, the same records, the same
      // nginx generation (nothing applied again), still serving.
      a = await fleetNode(c.endpoints, cluster, "gw-a", { again: single, overrides: { secret } });
      assert.deepEqual(await records(a), before);
      assert.ok(await serves(a, "web.test", "alpha"));
      const st = (await a.api("GET", "/api/config/status")).body.fleet;
      assert.deepEqual(st.mirror, { revision: stored.revision, generation: 1 });
      await until("A reports generation 1", 20_000, async () => {
        const s = JSON.parse((await etcd.get(keys.status("gw-a")))?.value ?? "{}");
        return s.applied_generation === 1 && s.ok === true;
      });
      assert.equal(a.agent.rt.reconciler.currentGeneration, generation);

      // A second node on an empty data_dir takes the fleet's state and serves it.
      b = await fleetNode(c.endpoints, cluster, "gw-b", { overrides: { secret } });
      await until(
        "B serves the joined sites",
        30_000,
        async () => await serves(b!, "web.test", "alpha") && await serves(b!, "shop.test", "alpha"),
      );
      assert.deepEqual(await records(b), before);
      // The fleet works both ways: B's write is served by A.
      const moved = await b.api("PUT", "/api/pools/web", { members: [{ address: beta.address }] });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      await until("A serves B's change", 20_000, () => serves(a!, "web.test", "beta"));
      console.log(`join of 4 records: ${joinMs} ms (CLI, in-process)`);

      // Joining it again: refused, the state file is a mirror now.
      const aDir = a.dir;
      await a.close();
      a = null;
      const again = await join(aDir, settings);
      assert.equal(again.code, 1);
      assert.match(again.err, /CONFLICT: the state file is already a fleet mirror \(generation 2/);
    } finally {
      etcd.close();
      await a?.close();
      await b?.close();
      await alpha.close();
      await beta.close();
    }
  },
);

test(
  "refused and nothing written: a non-empty prefix, etcd down, the agent running, store = kv",
  40_000,
  async (c) => {
    const dir = await tempDir("join");
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("busy");
    await Deno.mkdir(`${dir}/data`);
    const store = await Store.open(`${dir}/data/agent.kv`, { kinds });
    const pool = (name: string) => ({
      ops: [{ type: "put" as const, kind: "pool", name, spec: poolSpec(name) }],
      actor: "test",
      action: "put",
    });
    await store.write(() => pool("web"));
    store.close();
    try {
      // Another fleet's state is there: refused, named; etcd and the state file unchanged.
      await commitDesired(etcd, keys, { puts: { [`${keys.desired}pool/other`]: "{}" } });
      await commitDesired(etcd, keys, { puts: { [`${keys.desired}pool/more`]: "{}" } });
      const rev = (await etcd.get(keys.generation))!.modRevision;
      const busy = await join(dir, etcdMode(c.endpoints, "busy", "gw-c"));
      assert.equal(busy.code, 1);
      assert.match(
        busy.err,
        /CONFLICT: the fleet's prefix \/switchyard\/busy\/desired\/ is not empty: it holds generation 2 and 2 record\(s\)/,
      );
      assert.equal((await etcd.range(keys.desired, { prefix: true })).revision, rev);

      // etcd out of reach: SHARED_STORE_UNAVAILABLE.
      const down = await join(dir, etcdMode([`http://127.0.0.1:${freePort()}`], "down", "gw-c"));
      assert.equal(down.code, 1);
      assert.match(down.err, /SHARED_STORE_UNAVAILABLE/);

      // The agent running (it holds the data_dir lock).
      const lock = await acquireLock(`${dir}/data`, 1000, true);
      const running = await join(dir, etcdMode(c.endpoints, "free", "gw-c")).finally(() =>
        lock.release()
      );
      assert.equal(running.code, 1);
      assert.match(running.err, /CONFLICT: the agent is running: data_dir .* is locked by pid \d+/);
      assert.equal((await etcd.range(fleetKeys("free").desired, { prefix: true })).count, 0);

      // store = kv in the settings: the agent would not start as a member.
      const kv = await join(dir, { ...etcdMode(c.endpoints, "free", "gw-c"), store: "kv" });
      assert.equal(kv.code, 1);
      assert.match(kv.err, /VALIDATION_FAILED: store: is "kv": set store = "etcd"/);

      const after = await Store.open(`${dir}/data/agent.kv`, { kinds });
      assert.deepEqual(await mirrorAt(after.kv), { revision: 0, generation: 0 });
      assert.equal(await after.writeCount(), 1n);
      after.close();
    } finally {
      etcd.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

test(
  "a join of several transactions reads as not joined until its last; racing joins: one wins",
  60_000,
  async (c) => {
    const dir = await tempDir("join");
    const etcd = new Etcd({ endpoints: c.endpoints });
    const cluster = "big";
    const keys = fleetKeys(cluster);
    const stores: Store[] = [];
    const host = async (name: string, pools: number) => {
      const s = await Store.open(`${dir}/${name}.kv`, { kinds });
      stores.push(s);
      await s.write(() => ({
        ops: Array.from({ length: pools }, (_, i) => ({
          type: "put" as const,
          kind: "pool",
          name: `${name}-${i}`,
          spec: poolSpec(`${name}-${i}`),
        })),
        actor: "test",
        action: "put",
      }));
      return s;
    };
    const opts = (node: string) => ({ node, secret, secretsOf: (k: string) => kinds.secretsOf(k) });
    const big = await host("big", 40);
    let watcher: TestAgent | null = null;
    try {
      // A node already following the (empty) fleet.
      watcher = await fleetNode(c.endpoints, cluster, "gw-w", { overrides: { secret } });
      const reported = async () =>
        JSON.parse((await etcd.get(keys.status("gw-w")))?.value ?? "{}").at ?? "";
      await until("the follower reports", 20_000, async () => (await reported()) !== "");
      const cutAt = new Date().toISOString();
      // The join is cut off after its first transaction (etcd gone for the rest).
      const txn = etcd.txn.bind(etcd);
      let calls = 0;
      etcd.txn = (...a) => {
        if (++calls === 2) throw new AgentError("SHARED_STORE_UNAVAILABLE", "etcd: cut off");
        return txn(...a);
      };
      const cut = await joinFleet(big.kv, etcd, keys, { ...opts("gw-big"), maxOps: 16 })
        .catch((e) => e);
      etcd.txn = txn;
      assert.equal(cut.code, "SHARED_STORE_UNAVAILABLE");
      assert.match(cut.message, /the join stopped after 1 of 3 transactions/);
      assert.equal((await etcd.range(keys.desired, { prefix: true })).count, 15); // joining + 14
      assert.equal(await etcd.get(keys.generation), undefined);
      assert.deepEqual(await mirrorAt(big.kv), { revision: 0, generation: 0 });
      // Not a fleet yet: the following node (once it took the first transaction in) mirrors
      // none of it, and fleet writes wait.
      await until(
        "the follower took the partial join in",
        20_000,
        async () => (await reported()) > cutAt,
      );
      const w = await watcher.api("PUT", "/api/pools/late", { members: [] });
      assert.equal(w.status, 409, JSON.stringify(w.body));
      assert.match(w.body.error.message, /a join of node gw-big into this fleet is under way/);
      assert.deepEqual((await watcher.api("GET", "/api/pools")).body.pools, []);
      // Another host's join is refused, naming the unfinished one.
      const other = await host("other", 2);
      const refused = await joinFleet(other.kv, etcd, keys, opts("gw-other")).catch((e) => e);
      assert.equal(refused.code, "CONFLICT");
      assert.match(refused.message, /node gw-big started a join at .* that has not finished/);

      // Run again on the same node: it starts over and finishes within etcd's limit.
      const t0 = performance.now();
      const r = await joinFleet(big.kv, etcd, keys, { ...opts("gw-big"), maxOps: 16 });
      const ms = Math.round(performance.now() - t0);
      assert.equal(r.started_over, true);
      assert.equal(r.transactions, 3);
      assert.equal(r.records, 40);
      assert.equal(await etcd.get(keys.joining), undefined);
      assert.deepEqual(await mirrorAt(big.kv), { revision: r.revision, generation: 1 });
      await until(
        "the following node mirrors all 40 pools",
        20_000,
        async () => (await watcher!.api("GET", "/api/pools")).body.pools.length === 40,
      );
      console.log(`join of 40 records in 3 transactions (max-txn-ops 16): ${ms} ms`);
      // The mark lost (a crash after etcd took the copy): a rerun finds its own state, marks it.
      await big.kv.delete(META);
      const again = await joinFleet(big.kv, etcd, keys, { ...opts("gw-big"), maxOps: 16 });
      assert.equal(again.resolved, true);
      assert.deepEqual(await mirrorAt(big.kv), { revision: r.revision, generation: 1 });

      // The emptiness compare covers the whole prefix (etcd's range compare).
      const race = fleetKeys("race");
      const probe = (k: string) =>
        etcd.txn({ compare: [If.none(race.desired)], success: [op.put(k, "x")] });
      assert.equal((await probe(`${race.prefix}elsewhere`)).succeeded, true);
      assert.equal((await probe(`${race.desired}stray/x`)).succeeded, true);
      assert.equal((await probe(`${race.desired}stray/y`)).succeeded, false);
      await etcd.delete(race.prefix, { prefix: true });
      // Two joins racing into an empty prefix: exactly one wins, and etcd holds its state alone.
      const [x, y] = [await host("x", 30), await host("y", 30)];
      const both = await Promise.allSettled([
        joinFleet(x.kv, etcd, race, { ...opts("gw-x"), maxOps: 16 }),
        joinFleet(y.kv, etcd, race, { ...opts("gw-y"), maxOps: 16 }),
      ]);
      const won = both.filter((b) => b.status === "fulfilled");
      assert.equal(won.length, 1, JSON.stringify(both));
      const lost = both.find((b) => b.status === "rejected") as PromiseRejectedResult;
      assert.equal(lost.reason.code, "CONFLICT");
      const names = (await etcd.rangeAll(race.desired)).kvs.map((kv) => kv.key)
        .filter((k) => k !== race.generation).map((k) => k.split("/").at(-1)!.split("-")[0]);
      assert.equal(names.length, 30);
      assert.equal(new Set(names).size, 1);
      const loser = both[0].status === "rejected" ? x : y;
      assert.deepEqual(await mirrorAt(loser.kv), { revision: 0, generation: 0 });
    } finally {
      await watcher?.close();
      for (const s of stores) s.close();
      etcd.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

test.stopAtEnd();
