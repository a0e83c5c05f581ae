// Issue 17 item 5: after CONFIG_WRITE_FAILED (the generations directory cannot be
// written) the caller got 500 and yet the record was stored, pending, and nothing
// retried it. Now a 5xx stores nothing (the records are put back as a refusal
// does); pending work the operator was told about (manual mode) is retried with
// backoff, and status says so. The unwritable directory is a Generations whose
// staging fails like EACCES: as root (these tests run as root) chmod stops nothing.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { Generations, type Staged } from "../../agent/nginx/generations.ts";
import type { RenderedFile } from "../../agent/render/tree.ts";
import type { Rec } from "../../agent/store/store.ts";

class UnwritableGenerations extends Generations {
  failing = false;
  override async stage(
    files: RenderedFile[],
    records: Map<string, Rec>,
    configHash: string,
    cause: Record<string, unknown>,
  ): Promise<Staged> {
    if (this.failing) {
      throw new Deno.errors.PermissionDenied(
        `Permission denied (os error 13): mkdir '${this.dir}/.stage-x'`,
      );
    }
    return await super.stage(files, records, configHash, cause);
  }
}

function unwritable(t: TestAgent): UnwritableGenerations {
  const g = new UnwritableGenerations(t.settings.nginx_dir);
  t.agent.rt.reconciler.deps.generations = g;
  return g;
}

Deno.test("a failed apply stores nothing: the new site is gone, the updated one is back", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    const g = unwritable(t);
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    assert.equal(
      (await t.api("PUT", "/api/sites/old", { server_names: ["old.test"], default_pool: "web" }))
        .status,
      201,
    );
    g.failing = true;
    const r = await t.api("PUT", "/api/sites/new", {
      server_names: ["new.test"],
      default_pool: "web",
    });
    assert.equal(r.status, 500, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "CONFIG_WRITE_FAILED");
    assert.equal((await t.api("GET", "/api/sites/new")).status, 404, "a 5xx stored nothing");
    const u = await t.api("PUT", "/api/sites/old", {
      server_names: ["old.test", "older.test"],
      default_pool: "web",
    });
    assert.equal(u.status, 500);
    const old = await t.api("GET", "/api/sites/old");
    assert.deepEqual(old.body.server_names, ["old.test"]);
    const st = await t.api("GET", "/api/config/status");
    assert.equal(st.body.pending_count, 0, JSON.stringify(st.body.pending));
    g.failing = false;
    assert.equal(
      (await t.api("PUT", "/api/sites/new", { server_names: ["new.test"], default_pool: "web" }))
        .status,
      201,
    );
    assert.equal((await t.viaNginx("new.test", "/x")).text, "be /x");
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("manual mode: an apply that fails to write is retried with backoff and says so", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { apply_mode: "manual" } });
  try {
    const g = unwritable(t);
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    assert.equal(
      (await t.api("PUT", "/api/sites/s", { server_names: ["s.test"], default_pool: "web" }))
        .status,
      201,
    );
    g.failing = true;
    const a = await t.api("POST", "/api/config/apply");
    assert.equal(a.status, 500, JSON.stringify(a.body));
    const st = await t.api("GET", "/api/config/status");
    assert.equal(st.body.pending_count, 2, "acknowledged pending changes stay");
    assert.equal(st.body.retry.attempt, 1, JSON.stringify(st.body.retry));
    assert.match(st.body.retry.reason, /Permission denied/);
    g.failing = false;
    // The retry applies the pending changes by itself (the round records them after the reload).
    let after = st;
    for (let i = 0; i < 100 && after.body.pending_count !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await t.api("GET", "/api/config/status");
    }
    assert.equal(after.body.pending_count, 0, "the retry applied the pending changes");
    assert.equal(after.body.retry, null);
    assert.equal((await t.viaNginx("s.test", "/x")).text, "be /x");
  } finally {
    await t.close();
    await be.close();
  }
});
