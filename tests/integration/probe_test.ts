// The generation probe (reload_probe = "on") against a real nginx: every
// generation carries a loopback-only server that answers with its hash, the
// apply answers once a new-generation worker does, old workers drain in the
// background and are counted in the status, and a reload nginx refuses is
// never taken for a live one.
import { bindAfterTest } from "../helpers/late-bind.ts";
import assert from "node:assert/strict";
import { freePort, startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { PROBE_FILE, PROBE_HOST } from "../../agent/nginx/probe.ts";

const probe = (port: number) =>
  rawRequest({ port, host: PROBE_HOST, path: "/switchyard-generation" });

// (Both were ignored after one failure under the full suite: a reload that could not
// bind. Test ports then came from the kernel's ephemeral range, where another test's
// port or an outgoing connection could hold them; freePort now picks below it.)
Deno.test("reload_probe on: the apply answers with the probe on the new hash; old workers drain and are counted", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { reload_probe: "on" } });
  try {
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const put = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.test"],
      default_pool: "web",
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.equal(put.body.apply.reloaded, true);
    const status = (await t.api("GET", "/api/config/status")).body;
    // the generation carries the probe, answering with its own hash
    const file = await Deno.readTextFile(`${t.settings.nginx_dir}/current/${PROBE_FILE}`);
    assert.match(file, new RegExp(`return 200 "${status.config_hash}"`));
    assert.match(file, /allow 127\.0\.0\.1;[^]*deny all;/);
    // a new worker serves the change; old ones, if any still accept, stop within nginx's 100 ms
    const deadline = Date.now() + 10_000;
    let served = "";
    while (Date.now() < deadline) {
      const [p, r] = [await probe(t.httpPort), await t.viaNginx("shop.test", "/x")];
      served = `${p.text} ${r.text}`;
      const s = (await t.api("GET", "/api/config/status")).body;
      assert.equal(typeof s.nginx.workers_draining, "number");
      if (p.text === status.config_hash && r.text === "be /x" && s.nginx.workers_draining === 0) {
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(served, `${status.config_hash} be /x`);
    // the probe is never the port's default server: an unknown host is not answered by it
    const other = await rawRequest({ port: t.httpPort, host: "nobody.test", path: "/" });
    assert.doesNotMatch(other.text, new RegExp(status.config_hash));
  } finally {
    await t.close();
    await be.close();
  }
});

/**
 * An agent with the probe on, site "a" applied, and `port` taken after the next
 * round's socket check and nginx -t (bindAfterTest), optionally freed again
 * `releaseAfterReloadMs` after the reload signal.
 */
async function withLateBind(
  opts: { releaseAfterReloadMs?: number },
  fn: (t: TestAgent, port: number, a: { generation: number; hash: string }) => Promise<void>,
) {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { reload_probe: "on" } });
  const port = freePort();
  let busy: { close(): Promise<void> } | null = null;
  try {
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    const ok = await t.api("PUT", "/api/sites/a", {
      server_names: ["a.test"],
      default_pool: "web",
    });
    const hash = (await t.api("GET", "/api/config/status")).body.config_hash;
    busy = bindAfterTest(t, port, opts);
    await fn(t, port, { generation: ok.body.apply.generation, hash });
  } finally {
    await busy?.close();
    await t.close();
    await be.close();
  }
}

// The round's socket check refuses a port taken before the round
// (tests/harden/taken_port_test.ts); here the port is taken after it.
Deno.test("reload_probe on: a reload nginx refuses (port in use) is still refused and rolled back", async () => {
  await withLateBind({}, async (t, port, a) => {
    const r = await t.api("PUT", "/api/sites/clash", {
      server_names: ["clash.test"],
      default_pool: "web",
      listen: [{ port, address: "127.0.0.1" }],
    });
    assert.equal(r.status, 500, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "NGINX_RELOAD_FAILED");
    // nginx's last word, after its five tries, not the first bind() it logged
    assert.match(r.body.error.message, /still could not bind\(\)/);
    const status = (await t.api("GET", "/api/config/status")).body;
    assert.equal(status.generation, a.generation);
    assert.equal((await probe(t.httpPort)).text, a.hash);
    assert.equal((await t.viaNginx("a.test", "/still")).text, "be /still");
  });
});

// Before the fix the round failed at nginx's first bind() error and swapped the files
// back, while nginx, retrying, bound the port and loaded the refused configuration.
Deno.test("a port that frees up while nginx retries bind(): the reload is applied, not refused behind nginx's back", async () => {
  await withLateBind({ releaseAfterReloadMs: 700 }, async (t, port) => {
    const r = await t.api("PUT", "/api/sites/late", {
      server_names: ["late.test"],
      default_pool: "web",
      listen: [{ port, address: "127.0.0.1" }],
    });
    const status = (await t.api("GET", "/api/config/status")).body;
    // what the agent says and what nginx runs agree (an old worker may answer for ~100 ms)
    let served = "";
    for (let i = 0; i < 60 && served !== status.config_hash; i++) {
      served = (await probe(t.httpPort)).text;
      if (served !== status.config_hash) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(served, status.config_hash);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.apply.status, "applied");
    assert.equal(status.generation, r.body.apply.generation);
    assert.equal((await rawRequest({ port, host: "late.test", path: "/x" })).text, "be /x");
    const log = await Deno.readTextFile(t.settings.nginx_error_log);
    assert.match(log, /try again to bind\(\)/, "nginx did retry");
  });
});
