import assert from "node:assert/strict";
import {
  AUDIT_PENDING,
  auditKey,
  pendingAuditKey,
  queryAudit,
  resolvePendingAll,
} from "./audit.ts";
import { setJson } from "./kvjson.ts";

Deno.test("resolvePendingAll: every pending entry of every entity gets its outcome, markers are gone, across several atomic writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "audit-" });
  const kv = await Deno.openKv(`${dir}/kv`);
  try {
    // 900 entities (more than one atomic write holds), one of them with two pending entries
    const names = Array.from({ length: 900 }, (_, i) => `s${i}`);
    let n = 0;
    const pend = async (name: string) => {
      const id = `id${String(n++).padStart(6, "0")}`;
      const op = kv.atomic();
      setJson(op, auditKey(id), {
        id,
        at: new Date(1_700_000_000_000 + n).toISOString(),
        actor: "t",
        action: "site.put",
        entity: { kind: "site", name },
        before: null,
        after: { name, server_names: [`${name}.test`] },
        outcome: "pending",
      }, null);
      op.set(pendingAuditKey("site", name, id), true);
      await op.commit();
    };
    for (const name of names) await pend(name);
    await pend("s0");
    await resolvePendingAll(kv, [
      ...names.slice(1).map((name) => ({
        kind: "site",
        name,
        outcome: { outcome: "applied", generation: 7 },
      })),
      { kind: "site", name: "s0", outcome: { outcome: "refused", message: "no", generation: 7 } },
    ]);
    const left = await Array.fromAsync(kv.list({ prefix: [AUDIT_PENDING] }));
    assert.equal(left.length, 0);
    const s0 = await queryAudit(kv, { entity: "site/s0" });
    assert.deepEqual(s0.entries.map((e) => [e.outcome, e.message]), [["refused", "no"], [
      "refused",
      "no",
    ]]);
    const s899 = await queryAudit(kv, { entity: "site/s899" });
    assert.equal(s899.entries[0].outcome, "applied");
    assert.equal(s899.entries[0].generation, 7);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
