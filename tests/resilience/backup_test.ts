// State backups: the timed job writes only when the state changed and rotates
// copies; a backup restores the state (dry run first) and nginx follows; secret
// fields stay sealed in KV, in sidecars and in backups; a damaged backup file
// is refused.
import { hostFor } from "../../agent/bootstrap.ts";
import type { Feature } from "../../agent/host.ts";
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { FEATURES } from "../../agent/features/index.ts";
import {
  generateSecret,
  importSecret,
  isSealed,
  sealRecord,
  unseal,
  unsealRecord,
} from "../../agent/store/secrets.ts";
import { writeBackup } from "../../agent/store/backup.ts";
import { Store } from "../../agent/store/store.ts";
import { Scheduler } from "../../agent/scheduler/scheduler.ts";

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | false>,
  ms = 8000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("timed backups: written when the state changed, rotated, skipped when idle", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({
    features: FEATURES,
    overrides: { backup_interval: 1, backup_rotate: 3, drift_interval: 0 },
  });
  const path = t.settings.backup_path;
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    await t.agent.startJobs();
    const first = await waitFor(
      "the first backup",
      async () => (await exists(path)) && Deno.readTextFile(path),
    );
    const b1 = JSON.parse(first);
    assert.equal(b1.format, "switchyard-state-backup");
    assert.deepEqual(b1.counts, { pool: 1 });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    // idle: the next runs write nothing (the file keeps its content and no copy appears)
    await new Promise((r) => setTimeout(r, 2300));
    assert.equal(await Deno.readTextFile(path), first);
    assert.equal(await exists(`${path}.1`), false);
    const jobs = (await t.api("GET", "/api/config/status")).body.resilience.jobs;
    assert.ok(jobs.find((j: { name: string; runs: number }) => j.name === "backup").runs >= 2);
    // changes: new backups, older ones rotated, never more than backup_rotate files
    for (const n of ["a", "b", "c", "d"]) {
      await t.api("PUT", `/api/sites/${n}`, { server_names: [`${n}.test`], default_pool: "web" });
      await waitFor(`a backup with site ${n}`, async () => {
        const b = JSON.parse(await Deno.readTextFile(path).catch(() => "{}"));
        return b.records?.some((r: { record: { name: string } }) => r.record.name === n);
      });
    }
    assert.equal(JSON.parse(await Deno.readTextFile(`${path}.1`)).counts.site, 3);
    assert.equal(JSON.parse(await Deno.readTextFile(`${path}.2`)).counts.site, 2);
    assert.equal(await exists(`${path}.3`), false);
    // on demand: always written
    const now = await t.api("POST", "/api/config/backup");
    assert.equal(now.status, 200);
    assert.equal(now.body.written, true);
    assert.deepEqual(now.body.counts, { pool: 1, site: 4 });
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("restore: dry run shows the changes and writes nothing; the real one brings the state and nginx back", async () => {
  const a = httpBackend("a");
  const b = httpBackend("b");
  const t = await startTestAgent({ features: FEATURES });
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: a.address }] });
    await t.api("PUT", "/api/sites/keep", { server_names: ["keep.test"], default_pool: "web" });
    await t.api("PUT", "/api/sites/gone", { server_names: ["gone.test"], default_pool: "web" });
    const saved = (await t.api("POST", "/api/config/backup")).body;
    const want = (await t.api("GET", "/api/sites")).body.sites;
    // later changes
    await t.api("PUT", "/api/pools/web", { members: [{ address: b.address }] });
    await t.api("DELETE", "/api/sites/gone");
    await t.api("PUT", "/api/sites/new", { server_names: ["new.test"], default_pool: "web" });
    assert.equal((await t.viaNginx("keep.test", "/")).text, "b /");

    const dry = await t.api("POST", "/api/config/restore", { path: saved.path, dry_run: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(
      [dry.body.create, dry.body.update, dry.body.delete, dry.body.unchanged],
      [["site/gone"], ["pool/web"], ["site/new"], 1],
    );
    assert.equal((await t.api("GET", "/api/sites/new")).status, 200, "a dry run writes nothing");

    const real = await t.api("POST", "/api/config/restore", { path: saved.path });
    assert.equal(real.status, 200, JSON.stringify(real.body));
    assert.equal(real.body.apply.status, "applied");
    assert.deepEqual((await t.api("GET", "/api/sites")).body.sites, want);
    assert.equal((await t.viaNginx("keep.test", "/")).text, "a /");
    assert.equal((await t.viaNginx("gone.test", "/x")).text, "a /x");
    assert.equal((await t.api("GET", "/api/sites/new")).status, 404);
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);

    // a damaged or foreign file is refused, naming the problem
    const text = await Deno.readTextFile(saved.path);
    await Deno.writeTextFile(`${t.dir}/cut.json`, text.replace('"keep.test"', '"kept.test"'));
    const cut = await t.api("POST", "/api/config/restore", { path: `${t.dir}/cut.json` });
    assert.equal(cut.status, 400);
    assert.match(cut.body.error.message, /does not match content_sha256/);
    await Deno.writeTextFile(`${t.dir}/other.json`, '{"hello": 1}');
    const other = await t.api("POST", "/api/config/restore", { path: `${t.dir}/other.json` });
    assert.match(other.body.error.message, /is not a state backup: format/);
    const rel = await t.api("POST", "/api/config/restore", { path: "backup.json" });
    assert.equal(rel.body.error.detail.field, "path");
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});

// A kind a later feature would register, with a secret field, for the tests below.
const VAULT_SECRETS = ["credentials.secret_key"];
const vaultFeature: Feature = {
  name: "vault-test",
  setup(host) {
    host.kind({
      name: "vault-test",
      plural: "vault-tests",
      internal: true,
      secrets: VAULT_SECRETS,
      schema: undefined as never,
      parse: () => {
        throw new Error("written by the test only");
      },
      examples: () => [{ name: "v" }],
    });
  },
};

Deno.test("secret fields are sealed with AES-GCM and never appear in KV, sidecars or backups in plain text", async () => {
  const key = await importSecret(generateSecret());
  const sealed = await sealRecord([], {
    name: "v",
    credentials: { secret_key: "hunter2", user: "u" },
  }, key);
  // a kind with a secret field (the test's vault feature); sealed the way such a feature must before store.write
  const s2 = await sealRecord(VAULT_SECRETS, {
    name: "v",
    credentials: { secret_key: "hunter2", user: "u" },
  }, key);
  assert.equal(sealed.credentials.secret_key, "hunter2", "unregistered fields are left alone");
  assert.ok(isSealed(s2.credentials.secret_key));
  assert.equal(s2.credentials.user, "u");
  assert.equal(await unseal(key, s2.credentials.secret_key), "hunter2");
  assert.deepEqual(await unsealRecord(VAULT_SECRETS, s2, key), {
    name: "v",
    credentials: { secret_key: "hunter2", user: "u" },
  });
  const other = await importSecret(generateSecret());
  await assert.rejects(
    () => unseal(other, s2.credentials.secret_key),
    /cannot be opened with the configured secret/,
  );
  await assert.rejects(() => importSecret("short"), /32 bytes in base64/);

  const t: TestAgent = await startTestAgent({
    features: [...FEATURES, vaultFeature],
    overrides: { secret: generateSecret() },
  });
  try {
    const k = await importSecret(t.settings.secret);
    const rec = await sealRecord(VAULT_SECRETS, {
      credentials: { secret_key: "hunter2", user: "u" },
    }, k);
    const rt = t.agent.rt;
    await rt.store.write(() => ({
      ops: [{ type: "put", kind: "vault-test", name: "v", spec: rec }],
      actor: "test",
      action: "vault.put",
    }));
    const out = await rt.reconciler.applyNow();
    assert.equal(out.status, "applied");
    const sidecar = await Deno.readTextFile(
      `${t.settings.nginx_dir}/current/vault-test-v.meta.json`,
    );
    assert.ok(!sidecar.includes("hunter2"));
    assert.match(sidecar, /sealed:v1:/);
    const backup = (await t.api("POST", "/api/config/backup")).body;
    const text = await Deno.readTextFile(backup.path);
    assert.ok(!text.includes("hunter2"), "no plaintext in the backup");
    const back = JSON.parse(text).records.find((r: { kind: string }) =>
      r.kind === "vault-test"
    ).record;
    assert.equal(await unseal(k, back.credentials.secret_key), "hunter2");

    // a feature that forgot to seal: the backup seals it with the configured secret
    await rt.store.write(() => ({
      ops: [{
        type: "put",
        kind: "vault-test",
        name: "plain",
        spec: { credentials: { secret_key: "oops-plain" } },
      }],
      actor: "test",
      action: "vault.put",
      outcome: "applied",
    }));
    const b2 = JSON.parse(
      await Deno.readTextFile((await t.api("POST", "/api/config/backup")).body.path),
    );
    assert.ok(!JSON.stringify(b2.records).includes("oops-plain"));
  } finally {
    await t.close();
  }

  // without a secret such a backup is refused rather than written in plain text
  const store = new Store(await Deno.openKv(":memory:"), { kinds: hostFor([vaultFeature]).kinds });
  try {
    await store.write(() => ({
      ops: [{
        type: "put",
        kind: "vault-test",
        name: "plain",
        spec: { credentials: { secret_key: "oops" } },
      }],
      actor: "test",
      action: "vault.put",
      outcome: "applied",
    }));
    const dir = await Deno.makeTempDir();
    await assert.rejects(
      () => writeBackup(store, `${dir}/b.json`, 2),
      /unsealed secret field\(s\) credentials\.secret_key/,
    );
    assert.equal(await exists(`${dir}/b.json`), false);
    await Deno.remove(dir, { recursive: true });
  } finally {
    store.close();
  }
});

Deno.test("scheduler: a job never overlaps itself, runNow waits for a run in progress, stop waits too", async () => {
  const s = new Scheduler();
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  let failNext = true;
  s.every("slow", 0.02, async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 60));
    running--;
    runs++;
    if (failNext) {
      failNext = false;
      throw new Error("boom");
    }
  }, { firstAfterSeconds: 0 });
  s.every("never", 0, () => Promise.resolve());
  s.start();
  await new Promise((r) => setTimeout(r, 30));
  await Promise.all([s.runNow("slow"), s.runNow("slow")]);
  await new Promise((r) => setTimeout(r, 200));
  await s.stop();
  const after = runs;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(maxRunning, 1);
  assert.equal(runs, after, "no run after stop");
  assert.ok(runs >= 3, `${runs} runs`);
  const st = s.status();
  assert.equal(st.find((j) => j.name === "never")!.runs, 0);
  assert.equal(st.find((j) => j.name === "slow")!.last_error, null, "a later run clears the error");
});
