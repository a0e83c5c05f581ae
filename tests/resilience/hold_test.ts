// While the reconciler is on hold (the state was lost), a change is refused
// with 409 before anything is stored: no record, nothing pending, no audit
// entry of a change, and the plain rebuild the hold message recommends works.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { FEATURES } from "../../agent/features/index.ts";

Deno.test("a held reconciler: PUT is 409 with the hold's message and stores nothing", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    t.agent.rt.reconciler.hold("held by the test: run `agent rebuild-db`");
    const put = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
    });
    assert.equal(put.status, 409, JSON.stringify(put.body));
    assert.equal(put.body.error.code, "CONFLICT");
    assert.equal(put.body.error.message, "held by the test: run `agent rebuild-db`");
    assert.equal(put.body.error.detail.hold, true);
    assert.equal((await t.api("GET", "/api/sites/shop")).status, 404);
    const status = (await t.api("GET", "/api/config/status")).body;
    assert.deepEqual(status.pending, []);
    const audit = (await t.api("GET", "/api/audit?entity=site/shop")).body;
    assert.deepEqual(audit.entries, [], "no change was stored, so none is audited");
    // deletes and route edits are refused the same way
    await t.api("PUT", "/api/pools/web", { members: [] }).then((r) => assert.equal(r.status, 409));
    assert.equal((await t.api("DELETE", "/api/pools/web")).status, 409);
    assert.equal((await t.api("GET", "/api/pools/web")).body.members.length, 1);

    t.agent.rt.reconciler.release();
    const again = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal((await t.viaNginx("shop.test", "/")).text, "be /");
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("state lost: a refused PUT leaves the state empty, so the plain rebuild-db works", async () => {
  const be = httpBackend("be");
  let t = await startTestAgent({ features: FEATURES });
  const { dir, httpPort } = t;
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    await t.api("PUT", "/api/sites/a", { server_names: ["a.test"], default_pool: "web" });
    const want = (await t.api("GET", "/api/sites")).body.sites;
    await t.close();
    for (const f of ["agent.kv", "agent.kv-wal", "agent.kv-shm"]) {
      await Deno.remove(`${dir}/data/${f}`).catch(() => {});
    }
    t = await startTestAgent({ features: FEATURES, dir, httpPort });
    assert.match(t.agent.rt.reconciler.held ?? "", /the state is empty while generation/);
    const before = (await t.api("GET", "/api/config/status")).body.pending;

    const put = await t.api("PUT", "/api/pools/other", { members: [] });
    assert.equal(put.status, 409, JSON.stringify(put.body));
    assert.match(put.body.error.message, /agent rebuild-db/);
    assert.equal((await t.api("GET", "/api/pools/other")).status, 404);
    assert.deepEqual((await t.api("GET", "/api/config/status")).body.pending, before);
    assert.deepEqual((await t.api("GET", "/api/audit?entity=pool/other")).body.entries, []);

    const rebuilt = await t.api("POST", "/api/config/rebuild-from-disk");
    assert.equal(rebuilt.status, 200, JSON.stringify(rebuilt.body));
    assert.deepEqual((await t.api("GET", "/api/sites")).body.sites, want);
    assert.equal(t.agent.rt.reconciler.held, null);
    assert.equal((await t.viaNginx("a.test", "/")).text, "be /");
  } finally {
    await t.close();
    await be.close();
  }
});
