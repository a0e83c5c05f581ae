// I/O errors inside a round against a real nginx: the generations directory
// fails while the round puts things back (the swap after a failed reload) or
// while it looks for the culprit (staging a bisection trial). The caller gets
// CONFIG_WRITE_FAILED with both errors, the agent keeps running and applying,
// and nginx keeps serving.
import assert from "node:assert/strict";
import { freePort, startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { bindAfterTest } from "../helpers/late-bind.ts";
import { type Backend, httpBackend } from "../helpers/backends.ts";
import { Generations, type Staged } from "../../agent/nginx/generations.ts";
import type { RenderedFile } from "../../agent/render/tree.ts";
import type { Rec } from "../../agent/store/store.ts";

/** Generations whose swap to `failSwapTo`, or staging of a bisection trial, fails like a full disk. */
class FailingGenerations extends Generations {
  failSwapTo: number | null = null;
  failBisect = false;
  override async swap(n: number): Promise<void> {
    if (n === this.failSwapTo) {
      throw new Deno.errors.PermissionDenied(
        `Permission denied (os error 13): rename '${this.dir}/.current-x' -> '${this.currentLink}'`,
      );
    }
    await super.swap(n);
  }
  override async stage(
    files: RenderedFile[],
    records: Map<string, Rec>,
    configHash: string,
    cause: Record<string, unknown>,
  ): Promise<Staged> {
    if (this.failBisect && "bisect" in cause) {
      throw new Error("No space left on device (os error 28): write 'site-long.conf'");
    }
    return await super.stage(files, records, configHash, cause);
  }
}

async function withAgent(fn: (t: TestAgent, g: FailingGenerations, be: Backend) => Promise<void>) {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    const g = new FailingGenerations(t.settings.nginx_dir);
    t.agent.rt.reconciler.deps.generations = g;
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const a = await t.api("PUT", "/api/sites/a", { server_names: ["a.test"], default_pool: "web" });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    await fn(t, g, be);
  } finally {
    await t.close();
    await be.close();
  }
}

Deno.test("the swap back after a failed reload fails: CONFIG_WRITE_FAILED with both errors, the agent and nginx go on", async () => {
  await withAgent(async (t, g) => {
    const gen = t.agent.rt.reconciler.currentGeneration!;
    g.failSwapTo = gen;
    // Taken after the socket check and nginx -t, before the reload (a port another process
    // holds before the round is refused alone, tests/harden/taken_port_test.ts).
    const port = freePort();
    const busy = bindAfterTest(t, port);
    try {
      const r = await t.api("PUT", "/api/sites/clash", {
        server_names: ["clash.test"],
        default_pool: "web",
        listen: [{ port, address: "127.0.0.1" }],
      });
      assert.equal(r.status, 500, JSON.stringify(r.body));
      assert.equal(r.body.error.code, "CONFIG_WRITE_FAILED");
      assert.match(
        r.body.error.message,
        new RegExp(
          String.raw`^nginx reload failed: .*bind\(\) to 127\.0\.0\.1:${port} failed.*` +
            `; additionally, restoring generation ${gen}: Permission denied \\(os error 13\\)`,
          "s",
        ),
      );
      assert.match(r.body.error.detail.nginx_output, /bind\(\)/);
    } finally {
      await busy.close();
    }
    // nginx kept the old configuration; the refused site is not stored
    assert.equal((await t.viaNginx("a.test", "/still")).text, "be /still");
    assert.equal((await t.api("GET", "/api/sites/clash")).status, 404);
    const status = (await t.api("GET", "/api/config/status")).body;
    assert.equal(status.generation, gen);
    assert.equal(status.pending_count, 0);
    assert.equal(status.last_apply.error.code, "CONFIG_WRITE_FAILED");

    // the agent goes on applying
    g.failSwapTo = null;
    const b = await t.api("PUT", "/api/sites/b", { server_names: ["b.test"], default_pool: "web" });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.equal(b.body.apply.status, "applied");
    assert.equal((await t.viaNginx("b.test", "/x")).text, "be /x");
    assert.equal((await t.viaNginx("a.test", "/y")).text, "be /y");
  });
});

Deno.test("staging a bisection trial fails: CONFIG_WRITE_FAILED joined to nginx's message, the agent and nginx go on", async () => {
  await withAgent(async (t, g) => {
    const gen = t.agent.rt.reconciler.currentGeneration!;
    g.failBisect = true;
    // nginx names no file for this one, so the round bisects (see pipeline_test.ts).
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.test`;
    const r = await t.api("PUT", "/api/sites/long", { server_names: [long], default_pool: "web" });
    assert.equal(r.status, 500, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "CONFIG_WRITE_FAILED");
    assert.match(
      r.body.error.message,
      /^nginx -t failed: .*server_names_hash.*; additionally, bisecting the pending changes: cannot write generation: No space left on device \(os error 28\)/,
    );
    assert.match(r.body.error.detail.nginx_output, /server_names_hash/);
    assert.equal((await t.viaNginx("a.test", "/still")).text, "be /still");
    const status = (await t.api("GET", "/api/config/status")).body;
    assert.equal(status.generation, gen);
    // the caller got a 5xx: nothing is stored (issue 17 item 5)
    assert.deepEqual(status.pending, []);
    assert.equal((await t.api("GET", "/api/sites/long")).status, 404);
    const leftovers = [...Deno.readDirSync(g.root)].filter((e) => e.name.startsWith(".tmp-"));
    assert.deepEqual(leftovers, [], "no staged directory is left behind");

    // sent again, the round finds the culprit and refuses it alone
    g.failBisect = false;
    const again = await t.api("PUT", "/api/sites/long", {
      server_names: [long],
      default_pool: "web",
    });
    assert.equal(again.status, 422, JSON.stringify(again.body));
    assert.equal(again.body.error.code, "NGINX_TEST_FAILED");
    assert.equal((await t.api("GET", "/api/sites/long")).status, 404);
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);
    assert.equal((await t.viaNginx("a.test", "/y")).text, "be /y");
  });
});
