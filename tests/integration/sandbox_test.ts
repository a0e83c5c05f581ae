// The sandbox proof (apply_proof = "sandbox", the default) against a real
// nginx: a change whose error only shows across entities passes the sandbox
// and fails the one reload; the round swaps back, the full `nginx -t` refuses
// the culprit alone and the rest of the burst is applied. Two sites that both
// claim `default_server` on one port are such an error: each file alone is valid.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

async function diskPassesNginxT(t: TestAgent): Promise<{ ok: boolean; output: string }> {
  const r = await new Deno.Command("nginx", {
    args: ["-p", t.settings.nginx_prefix, "-c", t.settings.nginx_conf, "-t"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { ok: r.success, output: new TextDecoder().decode(r.stderr) };
}

const errorLog = (t: TestAgent) => Deno.readTextFile(t.settings.nginx_error_log).catch(() => "");

Deno.test("sandbox passes, the reload fails: swapped back, the culprit refused alone, the rest applied", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const listen = [{ port: t.httpPort, default_server: true }];
    const first = await t.api("PUT", "/api/sites/first", {
      server_names: ["first.test"],
      default_pool: "web",
      listen,
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const gen = first.body.apply.generation;
    const reloads = t.reloads();
    const logBefore = (await errorLog(t)).length;

    const results = await Promise.all([
      t.api("PUT", "/api/sites/ok1", { server_names: ["ok1.test"], default_pool: "web" }),
      t.api("PUT", "/api/sites/dup", { server_names: ["dup.test"], default_pool: "web", listen }),
      t.api("PUT", "/api/sites/ok2", { server_names: ["ok2.test"], default_pool: "web" }),
    ]);
    const [ok1, dup, ok2] = results;
    // nginx itself refused the reload (the sandbox let it through) and kept the old workers
    assert.match((await errorLog(t)).slice(logBefore), /\[emerg\].*duplicate default server/);
    assert.equal(dup.status, 422, JSON.stringify(dup.body));
    assert.equal(dup.body.error.code, "NGINX_TEST_FAILED");
    assert.match(dup.body.error.message, /duplicate default server/);
    assert.deepEqual(dup.body.error.detail.entity, { kind: "site", name: "dup" });
    for (const r of [ok1, ok2]) assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(ok1.body.apply.generation, ok2.body.apply.generation);
    assert.ok(ok1.body.apply.generation > gen);
    assert.equal(t.reloads() - reloads, 1, "one proven reload: the failed one is not counted");

    for (const host of ["first.test", "ok1.test", "ok2.test"]) {
      assert.equal((await t.viaNginx(host, "/x")).text, "be /x", host);
    }
    assert.equal((await t.api("GET", "/api/sites/dup")).status, 404); // a new entity refused is gone
    const disk = await diskPassesNginxT(t);
    assert.ok(disk.ok, disk.output);
    // `proven` follows `current` once nginx loaded it
    const g = t.agent.rt.generations;
    assert.equal(await g.proven(), await g.current());
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("apply_proof full: the same error is caught by nginx -t before any reload", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { apply_proof: "full" } });
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    const listen = [{ port: t.httpPort, default_server: true }];
    await t.api("PUT", "/api/sites/first", {
      server_names: ["first.test"],
      default_pool: "web",
      listen,
    });
    const logBefore = (await errorLog(t)).length;
    const dup = await t.api("PUT", "/api/sites/dup", {
      server_names: ["dup.test"],
      default_pool: "web",
      listen,
    });
    assert.equal(dup.status, 422, JSON.stringify(dup.body));
    assert.match(dup.body.error.message, /duplicate default server/);
    assert.doesNotMatch((await errorLog(t)).slice(logBefore), /\[emerg\]/);
  } finally {
    await t.close();
    await be.close();
  }
});
