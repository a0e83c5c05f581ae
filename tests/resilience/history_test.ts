// Generations as history: the diff between any two, a rollback to an older one
// (a new generation equal to it, tested and reloaded, KV matching what nginx
// serves), and retention by count and age.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { sameRecord } from "../../agent/nginx/reconciler.ts";
import { Generations, pad } from "../../agent/nginx/generations.ts";

Deno.test("rollback to an older generation: a new generation with its configuration, reloaded, KV equal to what nginx serves", async () => {
  const a = httpBackend("a");
  const b = httpBackend("b");
  const t = await startTestAgent({ features: FEATURES });
  try {
    await t.api("PUT", "/api/pools/pa", { members: [{ address: a.address }] });
    const v1 = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "pa",
    });
    const g1 = v1.body.apply.generation;
    await t.api("PUT", "/api/pools/pb", { members: [{ address: b.address }] });
    await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "pb",
      routes: [{ name: "old", path: "/old", match: "exact", redirect: { url: "/new", code: 308 } }],
    });
    const g3 =
      (await t.api("PUT", "/api/sites/extra", { server_names: ["extra.test"], default_pool: "pb" }))
        .body
        .apply.generation;
    assert.equal((await t.viaNginx("shop.test", "/")).text, "b /");

    // what changed from g1 to g3
    const d = await t.api("GET", `/api/config/generations/${g1}/diff/${g3}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.deepEqual(d.body.entities, {
      added: ["pool/pb", "site/extra"],
      removed: [],
      changed: ["site/shop"],
    });
    const shopDiff = d.body.files.find((f: { file: string }) => f.file === "site-shop.conf");
    assert.equal(shopDiff.status, "changed");
    assert.ok(shopDiff.diff.includes("\n-        proxy_pass http://sy_pa;\n"), shopDiff.diff);
    assert.ok(shopDiff.diff.includes("\n+        proxy_pass http://sy_pb;\n"), shopDiff.diff);
    assert.deepEqual(
      d.body.files.filter((f: { status: string }) => f.status === "added").map((
        f: { file: string },
      ) => f.file),
      ["pool-pb.conf", "site-extra.conf"],
    );
    assert.equal((await t.api("GET", `/api/config/generations/${g1}/diff/9999`)).status, 404);
    assert.equal((await t.api("GET", `/api/config/generations/x/diff/1`)).status, 400);

    const reloads = t.reloads();
    const r = await t.api("POST", `/api/config/generations/${g1}/rollback`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.rolled_back_to, g1);
    assert.ok(r.body.generation > g3, "a new generation");
    assert.equal(r.body.same_config_as_target, true);
    assert.deepEqual(r.body.changed, ["pool/pb", "site/extra", "site/shop"]);
    assert.equal(r.body.apply.status, "applied");
    assert.equal(t.reloads(), reloads + 1);
    // nginx serves generation g1's configuration
    assert.equal((await t.viaNginx("shop.test", "/old")).text, "a /old");
    assert.notEqual((await t.viaNginx("extra.test", "/")).text, "b /");
    // the new generation's files are g1's, byte for byte
    const gens = new Generations(t.settings.nginx_dir);
    const [old, now] = [await gens.confFiles(g1), await gens.confFiles(r.body.generation)];
    assert.deepEqual([...now.keys()].sort(), [...old.keys()].sort());
    for (const [f, text] of old) assert.equal(now.get(f), text, f);
    // KV equals what nginx serves (the current generation's sidecars)
    const side = await gens.sidecars(r.body.generation);
    const kv = await t.agent.rt.store.all();
    assert.deepEqual([...kv.keys()].sort(), [...side.keys()].sort());
    for (const [id, s] of side) assert.ok(sameRecord(kv.get(id), s.record), id);
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);
    // the rollback is in the audit log, resolved by its apply
    const audit = await t.api("GET", "/api/audit?action=rollback");
    assert.equal(audit.body.entries.length, 3);
    assert.ok(audit.body.entries.every((e: { outcome: string }) => e.outcome === "applied"));
    // rolling back to where we are changes nothing
    const again = await t.api("POST", `/api/config/generations/${r.body.generation}/rollback`);
    assert.deepEqual(again.body.changed, []);
    assert.equal(again.body.apply.status, "unchanged");
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});

Deno.test("retention: prune keeps the newest N and drops older than the age limit, never the protected ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-prune-" });
  try {
    const g = new Generations(dir);
    await g.init();
    const day = 86400_000;
    const now = Date.parse("2026-06-10T00:00:00Z");
    // generations 1..10, generation n made (10 - n) days ago
    for (let n = 1; n <= 10; n++) {
      await Deno.mkdir(g.pathOf(n));
      await Deno.writeTextFile(
        `${g.pathOf(n)}/manifest.json`,
        JSON.stringify({
          generation: n,
          created_at: new Date(now - (10 - n) * day).toISOString(),
          config_hash: `h${n}`,
          files: {},
          entities: {},
          cause: {},
        }),
      );
    }
    const left = () => g.numbers();
    // by count: keep 6, protect an old one
    assert.deepEqual(await g.prune(6, 0, [2], now), [4, 3, 1]);
    assert.deepEqual(await left(), [2, 5, 6, 7, 8, 9, 10]);
    // by age: nothing older than 3 days, even within the count
    assert.deepEqual(await g.prune(50, 3, [10, 9], now), [6, 5, 2]);
    assert.deepEqual(await left(), [7, 8, 9, 10]);
    // protected generations survive both limits; the newest stays by count
    assert.deepEqual(await g.prune(1, 1, [7, 8], now), [9]);
    assert.deepEqual(await left(), [7, 8, 10]);
    assert.equal(pad(7), "000007");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("retention: generations repeating the next one's nginx text take no backup slot", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-prune-" });
  try {
    const g = new Generations(dir);
    await g.init();
    // 1..8: configs a, b, b, b, c, c, d, d (record-only changes repeat the text)
    const hashes = ["a", "b", "b", "b", "c", "c", "d", "d"];
    for (const [i, h] of hashes.entries()) {
      const n = i + 1;
      await Deno.mkdir(g.pathOf(n));
      await Deno.writeTextFile(
        `${g.pathOf(n)}/manifest.json`,
        JSON.stringify({
          generation: n,
          created_at: new Date().toISOString(),
          config_hash: h,
          files: {},
          entities: {},
          cause: {},
        }),
      );
    }
    // Current 8 and previous 7 are protected; of each run of equal configs the newest stays.
    assert.deepEqual(await g.prune(50, 0, [8, 7]), [5, 3, 2]);
    assert.deepEqual(await g.numbers(), [1, 4, 6, 7, 8]);
    // Three distinct configs besides the protected ones: keep 2 drops the oldest.
    assert.deepEqual(await g.prune(2, 0, [8, 7]), [1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
