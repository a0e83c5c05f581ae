// The fleet settings as an operator meets them: etcd mode refuses to start
// without endpoints (naming the setting), pairs go together, and the default
// node name is the hostname made a valid name; a host's own state file is
// not silently replaced by the fleet's.
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { etcdOptions } from "../../agent/features/fleet/feature.ts";
import { hostNodeName, nodeName } from "../../agent/features/fleet/settings.ts";
import { loadSettings } from "../../agent/features/index.ts";
import { Store } from "../../agent/store/store.ts";
import { startTestAgent, tempDir } from "../helpers/agent.ts";

const load = (overrides: Record<string, unknown>) =>
  loadSettings({ env: {}, configFile: "/nonexistent.toml", cwd: "/tmp", overrides });

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (e) => e);
  assert.ok(e instanceof AgentError, `refused: ${e}`);
  assert.equal(e.code, "VALIDATION_FAILED");
  return String(e.detail.field);
}

Deno.test("store defaults to kv; etcd mode needs endpoints and whole pairs", async () => {
  const s = await load({});
  assert.equal(s.store, "kv");
  assert.equal(s.cluster, "default");
  assert.equal(await refusal(etcdOptions(await load({ store: "etcd" }))), "etcd_endpoints");
  assert.equal(
    await refusal(etcdOptions(await load({ store: "etcd", etcd_endpoints: "10.0.0.1:2379" }))),
    "etcd_endpoints",
  );
  const ends = "http://10.0.0.1:2379, http://10.0.0.2:2379";
  assert.equal(
    await refusal(etcdOptions(await load({ etcd_endpoints: ends, etcd_user: "sy" }))),
    "etcd_password",
  );
  assert.equal(
    await refusal(etcdOptions(await load({ etcd_endpoints: ends, etcd_cert_file: "/x.pem" }))),
    "etcd_key_file",
  );
  assert.equal(
    await refusal(etcdOptions(await load({ etcd_endpoints: ends, etcd_ca_file: "/no/ca.pem" }))),
    "etcd_ca_file",
  );
  const o = await etcdOptions(
    await load({ etcd_endpoints: ends, etcd_user: "sy", etcd_password: "pw" }),
  );
  assert.deepEqual(o.endpoints, ["http://10.0.0.1:2379", "http://10.0.0.2:2379"]);
  assert.deepEqual(o.auth, { user: "sy", password: "pw" });
});

Deno.test("cluster and node names are checked; the default node name is the hostname's", async () => {
  await assert.rejects(load({ cluster: "a/b" }), /setting cluster/);
  await assert.rejects(load({ node_name: "GW 1" }), /setting node_name/);
  assert.equal(nodeName(await load({ node_name: "gw-1" })), "gw-1");
  assert.equal(nodeName(await load({})), hostNodeName());
  assert.match(hostNodeName(), /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/);
});

Deno.test("a host's own state file is not turned into a fleet mirror (it would be replaced)", async () => {
  const dir = await tempDir("fleet-own");
  try {
    await Deno.mkdir(`${dir}/data`);
    const own = await Store.open(`${dir}/data/agent.kv`);
    await own.write(() => ({
      ops: [{ type: "put", kind: "pool", name: "web", spec: { members: [] } }],
      actor: "test",
      action: "put",
    }));
    own.close();
    const e = await startTestAgent({
      dir,
      startNginx: false,
      overrides: { store: "etcd", etcd_endpoints: "http://127.0.0.1:9" },
    }).then(() => null, (e) => e);
    assert.ok(e instanceof AgentError, String(e));
    assert.equal(e.detail.field, "store");
    assert.match(e.message, /pool\/web/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
