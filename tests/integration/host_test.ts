// What an agent is made of comes from the features it was built with, and
// nothing else: kinds, claims, settings rows, routes, jobs.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { hostFor } from "../../agent/bootstrap.ts";
import { FEATURES } from "../../agent/features/index.ts";

Deno.test("an agent built with no features has only the core: no project claims, rows or routes", async () => {
  const t = await startTestAgent({ features: [] });
  try {
    const rt = t.agent.rt;
    assert.deepEqual(rt.kinds.list().map((k) => k.name), ["pool", "site"]);
    assert.deepEqual(
      rt.store.claimsOf("project", { name: "p", port: 9000, status: "active" } as never),
      [],
    );
    const rows = t.agent.host.settingRows.map((r) => r.name);
    assert.ok(rows.includes("http_port") && !rows.includes("projects_root"), "core rows only");
    assert.equal((await t.api("GET", "/api/projects")).status, 404);
    assert.deepEqual((await t.api("GET", "/api/scheduler")).body.jobs, []);
    // The core still works: a pool and a site go live.
    assert.equal((await t.api("PUT", "/api/pools/web", { members: [] })).status, 201);
  } finally {
    await t.close();
  }
});

Deno.test("GET /api/scheduler lists every feature's job with its last run and next run", async () => {
  const t = await startTestAgent({ overrides: { drift_interval: 3600 } });
  try {
    const { status, body } = await t.api("GET", "/api/scheduler");
    assert.equal(status, 200);
    const names = body.jobs.map((j: { name: string }) => j.name).sort();
    assert.deepEqual(names, [
      "backup",
      "bucket-sync",
      "certificates",
      "drift",
      "expiry",
      "health-checks",
      "quarantine",
      "registry-sync",
    ]);
    const run = await t.api("POST", "/api/scheduler/drift/run");
    assert.equal(run.status, 200);
    assert.equal(run.body.runs, 1);
    assert.equal(run.body.last_outcome, "ok");
    assert.equal(typeof run.body.last_duration_ms, "number");
    const st = await t.api("GET", "/api/config/status");
    assert.ok(st.body.scheduler.some((j: { name: string }) => j.name === "certificates"));
    assert.equal((await t.api("POST", "/api/scheduler/nope/run")).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("each feature is set up once, and a feature that needs another must come after it", () => {
  assert.throws(() => hostFor([...FEATURES, FEATURES[0]]), /listed twice/);
  const proxies = FEATURES.find((f) => f.name === "proxies")!;
  assert.throws(() => hostFor([proxies]), /needs the feature declaring/);
});
