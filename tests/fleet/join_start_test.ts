// agent fleet join, the parts that need no fleet of agents: a single host's own
// state started in etcd mode is refused and points to the join; the real binary
// refuses to join while `agent serve` holds the data_dir and joins once it
// stopped; the join's batching into transactions (pure).
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { batches } from "../../agent/features/fleet/join.ts";
import { startTestAgent, tempDir } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { agentCli, devEnv, spawnAgent } from "../helpers/proc.ts";
import { fleetNode } from "./helpers.ts";

const { test } = etcdSuite();

test(
  "a single host's state in etcd mode is refused, pointing to agent fleet join",
  30_000,
  async (c) => {
    const t = await startTestAgent({ startNginx: false });
    const r = await t.api("PUT", "/api/pools/web", { members: [] });
    assert.equal(r.status, 201);
    await t.close();
    const e = await fleetNode(c.endpoints, "own", "gw-o", { again: t }).catch((e) => e);
    assert.ok(e instanceof AgentError, String(e));
    assert.equal(e.code, "VALIDATION_FAILED");
    assert.match(e.message, /stop the agent and run `agent fleet join`/);
    await Deno.remove(t.dir, { recursive: true });
  },
);

test(
  "the real binary: refused while `agent serve` runs, joined once it stopped",
  60_000,
  async (c) => {
    const cwd = await tempDir("join-bin");
    const e = devEnv(cwd);
    const fleet = {
      AGENT_STORE: "etcd",
      AGENT_ETCD_ENDPOINTS: c.endpoints.join(","),
      AGENT_CLUSTER: "bin",
      AGENT_NODE_NAME: "gw-bin",
    };
    const serving = await spawnAgent(e);
    try {
      const r = await serving.api("PUT", "/api/pools/web", {
        members: [{ address: "127.0.0.1:9" }],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const busy = await agentCli({ ...e, env: { ...e.env, ...fleet } }, ["fleet", "join"]);
      assert.equal(busy.code, 1, busy.out);
      assert.match(
        busy.err,
        /CONFLICT: the agent is running: data_dir .* is locked by pid \d+ \(.*serve/,
      );
      const etcd = new Etcd({ endpoints: c.endpoints });
      const written = await etcd.range("/switchyard/bin/", { prefix: true, countOnly: true });
      etcd.close();
      assert.equal(written.count, 0);
    } finally {
      await serving.stop();
    }
    const done = await agentCli({ ...e, env: { ...e.env, ...fleet } }, ["fleet", "join"]);
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /^joined fleet bin: copied 1 record\(s\)/);
    await Deno.remove(cwd, { recursive: true });
  },
);

Deno.test("join batches: at most N records and about B bytes a transaction, in order", () => {
  const rec = (i: number, size: number) => ({
    kind: "pool",
    name: `p${i}`,
    key: `k${i}`,
    value: "x".repeat(size),
  });
  const names = (g: { name: string }[][]) => g.map((b) => b.map((r) => r.name).join(","));
  const five = [1, 2, 3, 4, 5].map((i) => rec(i, 8));
  assert.deepEqual(names(batches(five, 2, 1000)), ["p1,p2", "p3,p4", "p5"]);
  assert.deepEqual(names(batches(five, 10, 25)), ["p1,p2", "p3,p4", "p5"]); // 10 bytes each
  assert.deepEqual(names(batches([rec(1, 100), rec(2, 1)], 10, 50)), ["p1", "p2"]); // alone
});

test.stopAtEnd();
