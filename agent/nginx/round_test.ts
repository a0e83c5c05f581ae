// Rounds without nginx: a fake NginxControl, KV in memory, generations in a
// temporary directory. Whatever fails inside a round, every caller gets an
// AgentError and the reconciler goes on (tests/integration/io_errors_test.ts
// shows the same against a real nginx).
import assert from "node:assert/strict";
import { AgentError } from "../errors.ts";
import { parsePool } from "../kinds/pool/schema.ts";
import { parseSite } from "../kinds/site/schema.ts";
import { featuresFor } from "../render/context.ts";
import { makeTemplates } from "../render/templates.ts";
import type { RenderedFile } from "../render/tree.ts";
import { type Rec, specOf, Store, type WriteOp } from "../store/store.ts";
import type { NginxControl, ReloadResult, TestResult } from "./control.ts";
import { Generations, type Staged } from "./generations.ts";
import type { Verifier } from "./outcome.ts";
import { Reconciler } from "./reconciler.ts";

/** nginx that fails `nginx -t` (naming no file) while site-bad.conf is in the candidate. */
class FakeNginx implements NginxControl {
  readonly dryRun = false;
  reloadResult: ReloadResult | Error = { ok: true, output: "reloaded" };
  reloads = 0;
  version = () => Promise.resolve("1.22.1");
  async test(dir: string): Promise<TestResult> {
    const bad = await Deno.stat(`${dir}/site-bad.conf`).then(() => true, () => false);
    const output = bad ? "nginx: [emerg] could not build server_names_hash" : "test is successful";
    return { ok: !bad, output, includeFound: true };
  }
  masterPid = () => Promise.resolve(4242);
  reload = () => Promise.resolve({ ok: true, output: "signalled" });
  workers = () => Promise.resolve([]);
  errorLogSize = () => Promise.resolve(0);
  errorLogSince = () => Promise.resolve("");
  reloadAndVerify(): Promise<ReloadResult> {
    this.reloads++;
    const r = this.reloadResult;
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  }
}

class FaultyGenerations extends Generations {
  failSwapTo: number | null = null;
  failBisect = false;
  failBackup = false;
  protected override async finishBackup(staged: Staged, n: number, manifest: string) {
    if (this.failBackup) throw new Error("ENOSPC: the backup's manifest");
    await super.finishBackup(staged, n, manifest);
  }
  override async swap(n: number): Promise<void> {
    if (n === this.failSwapTo) throw new Error(`EIO: swap to ${n}`);
    await super.swap(n);
  }
  override async stage(
    files: RenderedFile[],
    records: Map<string, Rec>,
    hash: string,
    cause: Record<string, unknown>,
  ): Promise<Staged> {
    if (this.failBisect && "bisect" in cause) throw new Error("ENOSPC: staging a trial");
    return await super.stage(files, records, hash, cause);
  }
}

/** A store whose next read of the whole state fails once (a round reads the write counter first). */
class FlakyStore extends Store {
  failNextRead = false;
  override all(): Promise<Map<string, Rec>> {
    if (!this.failNextRead) return super.all();
    this.failNextRead = false;
    return Promise.reject(new Error("KV read failed"));
  }
  override writeCount(): Promise<bigint> {
    if (!this.failNextRead) return super.writeCount();
    this.failNextRead = false;
    return Promise.reject(new Error("KV read failed"));
  }
}

async function setup(verifiers: Verifier[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "sy-round-" });
  const store = new FlakyStore(await Deno.openKv(":memory:"));
  const nginx = new FakeNginx();
  const generations = new FaultyGenerations(dir);
  const settings = {
    apply_mode: "auto" as "auto" | "manual",
    coalesce_ms: 1,
    generations_keep: 50,
    generations_max_age_days: 0,
    reload_timeout: 1,
  };
  const reconciler = new Reconciler({
    store,
    generations,
    nginx,
    settings,
    verifiers,
    renderContext: () => ({
      http_port: 8080,
      https_port: 8443,
      bind_address: "127.0.0.1",
      acme_webroot: `${dir}/acme`,
      features: featuresFor("1.22.1"),
      templates: makeTemplates(),
    }),
    restore: async (id, applied) => {
      const [kind, name] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
      await store.write(() => ({
        ops: [
          applied
            ? { type: "put", kind, name, spec: specOf(applied) }
            : { type: "delete", kind, name },
        ],
        actor: "reconciler",
        action: `${kind}.revert`,
        outcome: "reverted",
      }));
    },
  });
  await reconciler.recover();
  const put = async (op: WriteOp) => {
    const results = await store.write(() => ({ ops: [op], actor: "test", action: "put" }));
    return reconciler.submit(results.map((r) => `${r.kind}/${r.name}`));
  };
  const site = (name: string) => {
    const { name: _n, ...spec } = parseSite(name, {
      server_names: [`${name}.test`],
      default_pool: "web",
    });
    return put({ type: "put", kind: "site", name, spec });
  };
  const { name: _n, ...web } = parsePool("web", { members: [{ address: "127.0.0.1:9" }] });
  assert.equal(
    (await put({ type: "put", kind: "pool", name: "web", spec: web })).status,
    "applied",
  );
  const close = async () => {
    store.close();
    await generations.live.settled();
    await Deno.remove(dir, { recursive: true });
  };
  return { store, nginx, generations, reconciler, settings, site, close };
}

Deno.test("a failed reload whose swap back fails: CONFIG_WRITE_FAILED with both errors, the next round applies", async () => {
  const s = await setup();
  try {
    const gen = s.reconciler.currentGeneration!;
    s.generations.failSwapTo = gen;
    s.nginx.reloadResult = { ok: false, output: "nginx: [emerg] bind() failed" };
    await assert.rejects(s.site("a"), (e: AgentError) => {
      assert.ok(e instanceof AgentError);
      assert.equal(e.code, "CONFIG_WRITE_FAILED");
      assert.equal(
        e.message,
        `nginx reload failed: nginx: [emerg] bind() failed; additionally, restoring generation ${gen}: EIO: swap to ${gen}`,
      );
      return true;
    });
    assert.equal(s.reconciler.currentGeneration, gen, "nginx still runs the previous generation");
    assert.equal(await s.store.get("site", "a"), null, "the refused site is put back (absent)");
    assert.equal(s.reconciler.lastApply?.refused[0]?.code, "NGINX_RELOAD_FAILED");

    s.generations.failSwapTo = null;
    s.nginx.reloadResult = { ok: true, output: "reloaded" };
    const ok = await s.site("b");
    assert.equal(ok.status, "applied");
    assert.deepEqual(ok.applied, ["site/b"]);
    assert.equal(await s.generations.current(), ok.generation);
  } finally {
    await s.close();
  }
});

Deno.test("staging a bisection trial fails: CONFIG_WRITE_FAILED joined to nginx's message, nothing staged is left", async () => {
  const s = await setup();
  try {
    const gen = s.reconciler.currentGeneration!;
    s.generations.failBisect = true;
    await assert.rejects(s.site("bad"), (e: AgentError) => {
      assert.equal(e.code, "CONFIG_WRITE_FAILED");
      assert.equal(
        e.message,
        "nginx -t failed: [emerg] could not build server_names_hash; additionally, bisecting the " +
          "pending changes: cannot write generation: ENOSPC: staging a trial",
      );
      assert.equal(e.detail.nginx_output, "nginx: [emerg] could not build server_names_hash");
      return true;
    });
    assert.equal(s.reconciler.currentGeneration, gen);
    // The caller got a 5xx: nothing is stored (issue 17 item 5), nothing is pending.
    assert.deepEqual(await s.reconciler.pending(), []);
    const left = [...Deno.readDirSync(s.generations.root)].filter((e) => e.name.startsWith("."));
    assert.deepEqual(left, []);

    s.generations.failBisect = false;
    await assert.rejects(s.site("bad"));
    const again = s.reconciler.lastApply!;
    assert.equal(again.status, "failed");
    assert.deepEqual(again.refused.map((r) => [r.id, r.code]), [["site/bad", "NGINX_TEST_FAILED"]]);
    assert.deepEqual(await s.reconciler.pending(), []);
  } finally {
    await s.close();
  }
});

Deno.test("a reload whose proof throws is a failed reload: refused, `current` back on the previous generation", async () => {
  const s = await setup();
  try {
    const gen = s.reconciler.currentGeneration!;
    s.nginx.reloadResult = new Error("cannot read /proc/4242/task/4242/children");
    await assert.rejects(s.site("e"), (e: AgentError) => {
      assert.equal(e.code, "NGINX_RELOAD_FAILED");
      assert.equal(e.message, "nginx reload failed: cannot read /proc/4242/task/4242/children");
      return true;
    });
    assert.equal(await s.generations.current(), gen);
    assert.equal(s.reconciler.reloads, 1, "only the pool's proven reload counts");
  } finally {
    await s.close();
  }
});

Deno.test("an error outside the steps (reading the state) still answers every caller, and the loop goes on", async () => {
  const s = await setup();
  try {
    s.store.failNextRead = true;
    const both = await Promise.allSettled([s.reconciler.applyNow(), s.reconciler.applyNow()]);
    for (const r of both) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof AgentError);
      assert.match(r.reason.message, /KV read failed/);
    }
    assert.equal((await s.site("c")).status, "applied");
  } finally {
    await s.close();
  }
});

Deno.test("a held reconciler refuses rounds with changes with the hold's message; release ends it", async () => {
  const s = await setup();
  try {
    s.reconciler.hold("state lost: run agent rebuild-db");
    assert.equal(s.reconciler.held, "state lost: run agent rebuild-db");
    assert.throws(() => s.reconciler.assertNotHeld(), (e: AgentError) => e.code === "CONFLICT");
    await assert.rejects(s.site("d"), (e: AgentError) => {
      assert.equal(e.code, "CONFLICT");
      assert.equal(e.message, "state lost: run agent rebuild-db");
      assert.equal(e.detail.hold, true);
      return true;
    });
    assert.equal(s.reconciler.release(), "state lost: run agent rebuild-db");
    assert.equal(s.reconciler.release(), null);
    s.reconciler.assertNotHeld();
    assert.equal((await s.reconciler.applyNow()).status, "applied");
  } finally {
    await s.close();
  }
});

Deno.test("the backup of a generation fails: nothing swapped or reloaded, CONFIG_WRITE_FAILED, the next round applies", async () => {
  const s = await setup();
  try {
    const gen = s.reconciler.currentGeneration!;
    const reloads = s.nginx.reloads;
    s.generations.failBackup = true;
    await assert.rejects(s.site("x"), (e: AgentError) => {
      assert.equal(e.code, "CONFIG_WRITE_FAILED");
      assert.match(e.message, /cannot write the backup of generation \d+: ENOSPC/);
      return true;
    });
    assert.equal(await s.generations.current(), gen);
    assert.equal(s.nginx.reloads, reloads, "a live tree never exists without its backup");
    assert.ok(!(await s.generations.live.exists(gen + 1)), "no live tree for it");
    assert.deepEqual(
      [...Deno.readDirSync(s.generations.root)].filter((e) => e.name.startsWith(".tmp-")),
      [],
    );
    s.generations.failBackup = false;
    assert.equal((await s.site("y")).status, "applied");
    const n = await s.generations.current();
    assert.ok((await s.generations.manifest(n!)).entities["site/y"]);
  } finally {
    await s.close();
  }
});

Deno.test("the swap to a new generation fails: CONFIG_WRITE_FAILED, nothing of it left on disk (its backup included)", async () => {
  const s = await setup();
  try {
    const gen = s.reconciler.currentGeneration!;
    s.generations.failSwapTo = gen + 1;
    await assert.rejects(s.site("x"), (e: AgentError) => {
      assert.equal(e.code, "CONFIG_WRITE_FAILED");
      assert.match(e.message, /cannot install generation: EIO: swap to/);
      return true;
    });
    assert.equal(await s.generations.current(), gen);
    assert.ok((await s.generations.numbers()).every((n) => n <= gen), "no generation after it");
    assert.deepEqual(
      [...Deno.readDirSync(s.generations.root)].filter((e) => e.name.startsWith(".tmp-")),
      [],
    );
    s.generations.failSwapTo = null;
    assert.equal((await s.site("y")).status, "applied");
  } finally {
    await s.close();
  }
});

Deno.test("manual mode: once the retried apply is installed, status shows no retry (even while verifiers run)", async () => {
  let armed = false;
  let entered: () => void = () => {};
  let release: () => void = () => {};
  const inVerify = new Promise<void>((r) => entered = r);
  const verifier: Verifier = {
    name: "slow",
    async verify() {
      if (!armed) return [];
      entered();
      await new Promise<void>((r) => release = r);
      return [];
    },
  };
  const s = await setup([verifier]);
  let applying: Promise<{ status: string }> | undefined;
  try {
    s.settings.apply_mode = "manual";
    assert.equal((await s.site("x")).status, "pending");
    s.generations.failBackup = true;
    await assert.rejects(
      s.reconciler.applyNow(),
      (e: AgentError) => e.code === "CONFIG_WRITE_FAILED",
    );
    assert.equal(s.reconciler.retry.status?.attempt, 1);
    assert.equal((await s.reconciler.pending()).length, 1, "acknowledged changes stay pending");
    s.generations.failBackup = false;
    armed = true;
    applying = s.reconciler.applyNow();
    await inVerify; // installed, not yet answered: what a status read in between sees
    assert.equal((await s.reconciler.pending()).length, 0);
    assert.equal(s.reconciler.retry.status, null, "no retry is announced for applied changes");
    release();
    assert.equal((await applying).status, "applied");
    assert.equal(s.reconciler.retry.status, null);
  } finally {
    release();
    await applying?.catch(() => {});
    await s.close();
  }
});
