// Issue 17 item 3: a `listen` on a port another process holds passes nginx -t and
// fails at reload, which refused the whole burst (5/5 good sites answered 500
// NGINX_RELOAD_FAILED, none stored). The round checks listen sockets against the
// host's before testing: the culprit is refused alone, naming the port and holder.
import assert from "node:assert/strict";
import { freePort, startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

Deno.test("5 good sites and 1 on a taken port in one burst: 5 applied, 1 refused naming port and holder", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { coalesce_ms: 200 } });
  const port = freePort();
  const holder = new Deno.Command("python3", {
    args: ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", t.dir],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`http://127.0.0.1:${port}/`).then((r) => r.body?.cancel(), () => "no") !== "no"
      ) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const calls = Array.from(
      { length: 5 },
      (_, i) =>
        t.api("PUT", `/api/sites/good${i}`, {
          server_names: [`good${i}.test`],
          default_pool: "web",
        }),
    );
    calls.push(t.api("PUT", "/api/sites/clash", {
      server_names: ["clash.test"],
      default_pool: "web",
      listen: [{ port, address: "127.0.0.1" }],
    }));
    const results = await Promise.all(calls);
    const clash = results.pop()!;
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(clash.status, 409, JSON.stringify(clash.body));
    assert.equal(clash.body.error.code, "CONFLICT");
    assert.match(clash.body.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(clash.body.error.message, /python3 \(pid \d+/);
    for (let i = 0; i < 5; i++) {
      assert.equal((await t.viaNginx(`good${i}.test`, "/x")).text, "be /x");
    }
    assert.equal((await t.api("GET", "/api/sites/clash")).status, 404);
  } finally {
    holder.kill("SIGTERM");
    await holder.status;
    await t.close();
    await be.close();
  }
});
