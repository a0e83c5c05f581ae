// A migration setup around the REAL agent process (`agent serve --dev`, see
// tests/helpers/proc.ts) so a test can SIGKILL it and start another on the same
// data dir, and slow PUTs through nginx that keep an old nginx worker alive
// across a reload (what holds the engine's barrier open, with no test hook).
import assert from "node:assert/strict";
import { AwsV4Signer } from "aws4fetch";
import { tempDir } from "../helpers/agent.ts";
import { type AgentProc, type DevEnv, devEnv } from "../helpers/proc.ts";
import { S3_ACCESS_KEY, type S3Server, startS3Server } from "../helpers/s3.ts";
import { clientOf, SHARED_SECRET, type StorageSetup } from "../storage/helpers.ts";
import { generateSecret } from "../../agent/store/secrets.ts";
import { BUCKET, seedBucket } from "./helpers.ts";

export interface ProcSetup {
  e: DevEnv;
  servers: S3Server[];
  gateway: ReturnType<typeof clientOf>;
  direct: ReturnType<typeof clientOf>[];
  model: Map<string, string | null>;
}

/** Two nanio pools (hot, cold), the `s3` site on nginx's port, `objects` seeded on hot. */
export async function procSetup(
  objects: number,
  first: (e: DevEnv) => Promise<AgentProc>,
): Promise<ProcSetup & { agent: AgentProc }> {
  const servers: S3Server[] = [];
  for (let i = 0; i < 2; i++) servers.push(await startS3Server({ [S3_ACCESS_KEY]: SHARED_SECRET }));
  const e = devEnv(await tempDir("sigkill"), {
    // the dev defaults have no sealing secret; pool credentials need one
    AGENT_SECRET: generateSecret(),
    AGENT_BUCKET_SYNC_INTERVAL: "0",
    AGENT_S3_REQUEST_TIMEOUT: "60",
    // the client writes without pause: passes never converge, the split ends them
    AGENT_MIGRATION_MAX_COPY_PASSES: "4",
  });
  const agent = await first(e);
  for (const [i, p] of ["hot", "cold"].entries()) {
    const r = await agent.api("PUT", `/api/pools/${p}`, {
      type: "nanio",
      members: [{ address: servers[i].address }],
      credentials: { access_key: S3_ACCESS_KEY, secret_key: SHARED_SECRET },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const site = await agent.api("PUT", "/api/sites/s3", {
    server_names: ["s3.test"],
    listen: [{ port: e.httpPort, default_server: true }],
    default_pool: "hot",
  });
  assert.equal(site.status, 201, JSON.stringify(site.body));
  const direct = servers.map((s) => clientOf(s.endpoint));
  const { model } = await seedBucket(
    { t: agent, servers, direct } as unknown as StorageSetup,
    objects,
  );
  return { e, servers, direct, gateway: clientOf(`http://127.0.0.1:${e.httpPort}`), model, agent };
}

interface Trickle {
  conn: Deno.TcpConn;
  at: number;
  timer: ReturnType<typeof setInterval>;
}

/**
 * PUTs through nginx to `trickle/N` (outside the client's model) whose body
 * comes a byte every 250 ms and never ends: an nginx worker serving one stays
 * alive after a reload (until worker_shutdown_timeout, 10 s in dev mode), so
 * the engine's barrier waits. roll() keeps one opened in the last 400 ms and
 * ends those older than 1.5 s, so whenever a reload comes, some are on the
 * worker before it and earlier barriers wait at most 1.5 s; freeze() keeps them.
 */
export class Trickles {
  #open: Trickle[] = [];
  #n = 0;
  frozen = false;
  constructor(private port: number) {}

  async #start(): Promise<void> {
    const url = `http://127.0.0.1:${this.port}/${BUCKET}/trickle/${this.#n++}.bin`;
    const signed = await new AwsV4Signer({
      method: "PUT",
      url,
      headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      accessKeyId: S3_ACCESS_KEY,
      secretAccessKey: SHARED_SECRET,
      service: "s3",
      region: "us-east-1",
    }).sign();
    const head = [
      `PUT ${new URL(url).pathname} HTTP/1.1`,
      `host: 127.0.0.1:${this.port}`,
      ...[...signed.headers].map(([k, v]) => `${k}: ${v}`),
      "content-length: 1000000",
      "",
      "",
    ].join("\r\n");
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
    const enc = new TextEncoder();
    await conn.write(enc.encode(head));
    const t: Trickle = { conn, at: Date.now(), timer: undefined as never };
    t.timer = setInterval(() => conn.write(enc.encode("x")).catch(() => this.#end(t)), 250);
    this.#open.push(t);
  }

  #end(t: Trickle) {
    clearInterval(t.timer);
    try {
      t.conn.close();
    } catch { /* closed */ }
    this.#open = this.#open.filter((x) => x !== t);
  }

  async roll(): Promise<void> {
    if (this.frozen) return;
    const now = Date.now();
    if (!this.#open.length || now - this.#open.at(-1)!.at > 400) await this.#start();
    for (const t of this.#open.filter((x) => now - x.at > 1500)) this.#end(t);
  }

  /** Ends every one: the old workers exit, the barrier passes. */
  endAll(): void {
    for (const t of [...this.#open]) this.#end(t);
    this.frozen = false;
  }
}
