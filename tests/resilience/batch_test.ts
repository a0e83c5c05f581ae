// Whole-state writes split into atomic batches within Deno KV's limits (1000
// mutations, 100 checks): many records with index claims, and large records.
import assert from "node:assert/strict";
import { Store, type WriteOp } from "../../agent/store/store.ts";
import { writeInBatches } from "../../agent/features/resilience/batch.ts";
import { claimingKinds } from "../helpers/kinds.ts";

Deno.test("writeInBatches stores 300 records with claims and large values, then deletes them all", async () => {
  const store = new Store(await Deno.openKv(":memory:"), { kinds: claimingKinds() });
  try {
    const puts: WriteOp[] = Array.from({ length: 300 }, (_, i) => ({
      type: "put",
      kind: "site",
      name: `s${i}`,
      spec: {
        server_names: [`s${i}.test`, `www.s${i}.test`],
        claims: [`s${i}.test`, `www.s${i}.test`],
        blob: i % 50 === 0 ? "x".repeat(150_000) : "",
      },
      meta: {
        version: 7,
        created_at: "2026-01-01T00:00:00.000Z",
        updated_at: "2026-01-02T00:00:00.000Z",
      },
    }));
    const res = await writeInBatches(store, puts, {
      actor: "test",
      action: "rebuild",
      outcome: "rebuilt",
    });
    assert.equal(res.filter((r) => r.changed).length, 300);
    const all = await store.all();
    assert.equal(all.size, 300);
    assert.equal(all.get("site/s50")!.blob, "x".repeat(150_000));
    assert.equal(all.get("site/s3")!.version, 7, "versions are kept");
    assert.equal(await store.indexOwner(["server_name", "80", "www.s299.test"]), "site/s299");
    const dels: WriteOp[] = [...all.keys()].map((id) => ({
      type: "delete",
      kind: "site",
      name: id.slice(5),
    }));
    await writeInBatches(store, dels, { actor: "test", action: "rebuild", outcome: "rebuilt" });
    assert.equal(await store.isEmpty(), true);
    assert.equal(await store.indexOwner(["server_name", "80", "s1.test"]), null);
  } finally {
    store.close();
  }
});
