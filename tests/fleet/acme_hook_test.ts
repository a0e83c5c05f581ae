// certbot's --manual hooks in a fleet (`agent acme publish-challenge`): a
// missing env var is named; the hook waits for every registered node's ack and
// names those that did not within the timeout; cleanup removes key and acks.
import assert from "node:assert/strict";
import { runCli } from "../../agent/cli/main.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { tempDir } from "../helpers/agent.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { registerNode, StatusReporter } from "../../agent/fleet/status.ts";
import {
  cleanupChallenge,
  HOOK_CONTEXT_ENV,
  missingNodes,
  publishChallenge,
} from "../../agent/features/certs/fleet-hook.ts";

const { test } = etcdSuite();

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env }, {
    features: FEATURES,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("publish-challenge without certbot's env names the missing variable", async () => {
  const dir = await tempDir("hook");
  try {
    const none = await cli(["acme", "publish-challenge"], {});
    assert.equal(none.code, 1);
    assert.match(none.err, /SWITCHYARD_ACME_CONTEXT is not set/);
    const ctx = `${dir}/ctx.json`;
    await Deno.writeTextFile(
      ctx,
      JSON.stringify({
        settings: { etcd_endpoints: "http://127.0.0.1:1", cluster: "x" },
        generation: 0,
        timeout_s: 1,
        error_file: `${dir}/err`,
      }),
    );
    const noToken = await cli(["acme", "publish-challenge"], { [HOOK_CONTEXT_ENV]: ctx });
    assert.equal(noToken.code, 1);
    assert.match(noToken.err, /CERTBOT_TOKEN is not set/);
    // The controller reads the hook's failure from the context's error file.
    assert.match(await Deno.readTextFile(`${dir}/err`), /CERTBOT_TOKEN is not set/);
    const noValidation = await cli(["acme", "publish-challenge"], {
      [HOOK_CONTEXT_ENV]: ctx,
      CERTBOT_TOKEN: "abc",
    });
    assert.equal(noValidation.code, 1);
    assert.match(noValidation.err, /CERTBOT_VALIDATION is not set/);
    const bad = await cli(["acme", "publish-challenge"], {
      [HOOK_CONTEXT_ENV]: ctx,
      CERTBOT_TOKEN: "../../etc/passwd",
      CERTBOT_VALIDATION: "x.y",
      CERTBOT_DOMAIN: "a.test",
    });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /token: an ACME token is 1-255 base64url/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("missingNodes: registered nodes without an ack, and nodes behind the generation", () => {
  const st = (g: number) => ({
    applied_generation: g,
    applied_revision: g,
    ok: true,
    error: null,
    nginx_version: "",
    old_workers: 0,
    at: "",
  });
  const reg = { since: "", labels: {} };
  const nodes = [
    { name: "a", registered: reg, status: st(5) },
    { name: "b", registered: reg, status: st(4) },
    { name: "c", registered: reg },
    { name: "d", status: st(5) }, // fenced: not waited for
  ];
  const m = missingNodes(nodes, new Set(["a", "b"]), 5);
  assert.deepEqual(m.map((w) => w.node), ["c", "b"]);
  assert.match(m[0].why, /no status/);
  assert.match(m[1].why, /applied generation 4, not yet 5/);
});

test(
  "the hook returns once every node acked; a timeout names the nodes that did not",
  30_000,
  async (c) => {
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("hook");
    const reporters = ["gw-1", "gw-2", "gw-3"].map((n) => new StatusReporter(etcd, keys, n));
    try {
      for (const r of reporters) {
        await registerNode(etcd, keys, r.node);
        await r.report({
          applied_generation: 3,
          applied_revision: 3,
          ok: true,
          error: null,
          nginx_version: "",
          old_workers: 0,
          at: new Date().toISOString(),
        });
      }
      // gw-1 and gw-2 ack as their watch would; gw-3 never does.
      const token = "tok_en-1";
      const acking = (async () => {
        while (!(await etcd.get(keys.challenge(token)))) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const lease = (await etcd.get(keys.challenge(token)))!.lease;
        for (const n of ["gw-1", "gw-2"]) await etcd.put(keys.ack(token, n), "{}", { lease });
      })();
      const t0 = performance.now();
      const err = await publishChallenge(etcd, keys, {
        token,
        keyAuthorization: "tok_en-1.thumb",
        domain: "a.test",
        generation: 3,
        timeoutMs: 1500,
        pollMs: 50,
      }).then(() => null, (e) => e as Error);
      await acking;
      assert.ok(err, "the hook should time out");
      assert.match(
        err.message,
        /a\.test not on every node within 2 s: gw-3 \(did not write the token/,
      );
      assert.doesNotMatch(err.message, /gw-1|gw-2/);
      assert.ok(performance.now() - t0 >= 1400);
      const v = JSON.parse((await etcd.get(keys.challenge(token)))!.value);
      assert.equal(v.key_authorization, "tok_en-1.thumb");

      // gw-3 acks: the hook returns at once with every node.
      const lease = (await etcd.get(keys.challenge(token)))!.lease;
      await etcd.put(keys.ack(token, "gw-3"), "{}", { lease });
      const ok = await publishChallenge(etcd, keys, {
        token,
        keyAuthorization: "tok_en-1.thumb",
        domain: "a.test",
        generation: 3,
        timeoutMs: 5000,
      }).catch((e) => e as Error);
      // (a second publish puts the key on a new lease: the old acks stay until theirs ends)
      assert.deepEqual(ok, ["gw-1", "gw-2", "gw-3"]);

      // A node behind the generation is waited for too.
      const behind = await publishChallenge(etcd, keys, {
        token,
        keyAuthorization: "tok_en-1.thumb",
        domain: "a.test",
        generation: 4,
        timeoutMs: 300,
      }).then(() => null, (e) => e as Error);
      assert.match(behind!.message, /gw-1 \(applied generation 3, not yet 4\)/);

      await cleanupChallenge(etcd, keys, token);
      assert.equal((await etcd.range(keys.prefix + "acme/", { prefix: true })).kvs.length, 0);
    } finally {
      for (const r of reporters) await r.stop({ revoke: true }).catch(() => {});
      etcd.close();
    }
  },
);

test.stopAtEnd();
