// A storage setup for tests: S3 servers (s3rver behind the verifying SigV4
// shim), an agent with a sealing secret, nanio pools on the servers and a site
// whose default pool is the first one, listening on a non-default port (so a
// gateway that drops the port from Host fails the signature).
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { S3_ACCESS_KEY, type S3Server, startS3Server } from "../helpers/s3.ts";
import { generateSecret } from "../../agent/store/secrets.ts";
import { S3Client } from "../../agent/features/storage/s3-client.ts";

export const SHARED_SECRET = "shared-s3-secret-Zq8";

export interface StorageSetup {
  t: TestAgent;
  servers: S3Server[];
  /** Direct clients of each server (not through nginx). */
  direct: S3Client[];
  /** A client of the gateway: nginx on the agent's HTTP port. */
  gateway: S3Client;
  pools: string[];
  close(): Promise<void>;
}

export function clientOf(endpoint: string, secret = SHARED_SECRET): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    accessKey: S3_ACCESS_KEY,
    secretKey: secret,
    timeoutMs: 30_000,
  });
}

export async function storageSetup(
  n = 2,
  opts: { log?: (m: string) => void; dir?: string } = {},
): Promise<StorageSetup> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => startS3Server({ [S3_ACCESS_KEY]: SHARED_SECRET })),
  );
  const t = await startTestAgent({
    overrides: { secret: generateSecret(), bucket_sync_interval: 0, s3_request_timeout: 60 },
    log: opts.log,
    dir: opts.dir,
  });
  const pools = ["hot", "cold", "warm"].slice(0, n);
  for (const [i, p] of pools.entries()) {
    const r = await t.api("PUT", `/api/pools/${p}`, {
      type: "nanio",
      members: [{ address: servers[i].address }],
      credentials: { access_key: S3_ACCESS_KEY, secret_key: SHARED_SECRET },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const site = await t.api("PUT", "/api/sites/s3", {
    server_names: ["s3.test"],
    listen: [{ port: t.httpPort, default_server: true }],
    default_pool: "hot",
  });
  assert.equal(site.status, 201, JSON.stringify(site.body));
  return {
    t,
    servers,
    direct: servers.map((s) => clientOf(s.endpoint)),
    gateway: clientOf(`http://127.0.0.1:${t.httpPort}`),
    pools,
    async close() {
      await t.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** rclone 1.60 configured purely by environment (no config file), remote `gw`. */
export async function rclone(endpoint: string, args: string[], secret = SHARED_SECRET) {
  const env: Record<string, string> = {
    RCLONE_CONFIG: "/dev/null",
    RCLONE_CONFIG_GW_TYPE: "s3",
    RCLONE_CONFIG_GW_PROVIDER: "Other",
    RCLONE_CONFIG_GW_ENV_AUTH: "false",
    RCLONE_CONFIG_GW_ACCESS_KEY_ID: S3_ACCESS_KEY,
    RCLONE_CONFIG_GW_SECRET_ACCESS_KEY: secret,
    RCLONE_CONFIG_GW_REGION: "us-east-1",
    RCLONE_CONFIG_GW_ENDPOINT: endpoint,
    RCLONE_CONFIG_GW_FORCE_PATH_STYLE: "true",
  };
  const base = Deno.env.toObject();
  delete base.AWS_CA_BUNDLE; // rclone 1.60 fails on the machine-wide bundle
  const out = await new Deno.Command("rclone", {
    args: [
      ...args,
      "--retries",
      "1",
      "--low-level-retries",
      "1",
      "--contimeout",
      "10s",
      "--timeout",
      "60s",
    ],
    env: { ...base, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    out: new TextDecoder().decode(out.stdout),
    err: new TextDecoder().decode(out.stderr),
  };
}
