// `agent bucket ...` and `agent pool node-config` as operators run them, against
// a serving agent (subprocess), its nginx and two S3 servers behind the shim.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { agentCli, devEnv, spawnAgent } from "../helpers/proc.ts";
import { S3_ACCESS_KEY, startS3Server } from "../helpers/s3.ts";
import { generateSecret } from "../../agent/store/secrets.ts";
import { clientOf, SHARED_SECRET } from "./helpers.ts";

Deno.test("agent bucket sync, ls, promote (refused, then --allow-orphan), orphans, purge; agent pool buckets and node-config", async () => {
  const servers = await Promise.all(
    [0, 1].map(() => startS3Server({ [S3_ACCESS_KEY]: SHARED_SECRET })),
  );
  const [hot, cold] = servers.map((s) => clientOf(s.endpoint));
  const cwd = await tempDir("bucketcli");
  const e = devEnv(cwd, { AGENT_SECRET: generateSecret(), AGENT_BUCKET_SYNC_INTERVAL: "0" });
  const a = await spawnAgent(e);
  const agent = (...args: string[]) => agentCli(e, args);
  try {
    for (const [i, p] of ["hot", "cold"].entries()) {
      const r = await a.api("PUT", `/api/pools/${p}`, {
        type: "nanio",
        members: [{ address: servers[i].address }],
        credentials: { access_key: S3_ACCESS_KEY, secret_key: SHARED_SECRET },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    assert.equal(
      (await a.api("PUT", "/api/sites/s3", { server_names: ["s3.test"], default_pool: "hot" }))
        .status,
      201,
    );
    await hot.createBucket("logs");
    await cold.createBucket("logs");
    await hot.putObject("logs", "old.log", "x");

    let r = await agent("bucket", "sync", "s3");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /new \(unrouted\): logs/);
    r = await agent("bucket", "ls", "s3", "--counts");
    assert.match(r.out, /^logs +unrouted +hot +1 objects/m);
    r = await agent("bucket", "promote", "s3", "logs", "--pool", "cold");
    assert.equal(r.code, 1);
    assert.match(r.err, /VALIDATION_FAILED/);
    assert.match(r.err, /allow_orphan/);
    r = await agent("bucket", "promote", "s3", "logs", "--pool", "cold", "--allow-orphan");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /logs routed to cold \(apply: applied\)/);
    r = await agent("bucket", "orphans", "s3");
    assert.match(r.out, /^logs +1 object\(s\) left on hot \(routed to cold\)/m);
    r = await agent("pool", "buckets", "hot");
    assert.match(r.out, /^logs +orphaned/m);
    r = await agent("bucket", "purge", "s3", "logs", "--confirm", "log");
    assert.equal(r.code, 1);
    assert.match(r.err, /confirm/);
    r = await agent("bucket", "purge", "s3", "logs", "--confirm", "logs");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /deleted 1 orphan object\(s\) of logs from hot/);
    r = await agent("pool", "node-config", "hot", servers[0].address, "--type", "nanio-only");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /==> \/etc\/nanio\/options.toml +\(mode 0600, owner nanio:nanio\)/);
    assert.match(r.out, /Instructions:/);
    assert.ok(!r.out.includes(SHARED_SECRET));
    // the sync job is on the agent's one scheduler, and finds a new bucket
    await hot.createBucket("fresh");
    const job = await a.api("POST", "/api/scheduler/bucket-sync/run");
    assert.equal(job.status, 200, JSON.stringify(job.body));
    assert.equal(job.body.last_outcome, "ok", JSON.stringify(job.body));
    const ls = (await a.api("GET", "/api/sites/s3/buckets")).body.buckets;
    assert.deepEqual(ls.map((b: { bucket: string; status: string }) => `${b.bucket}:${b.status}`), [
      "fresh:unrouted",
      "logs:routed",
    ]);
  } finally {
    await a.stop();
    await Promise.all(servers.map((s) => s.close()));
  }
});
