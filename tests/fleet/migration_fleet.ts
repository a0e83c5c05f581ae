// A fleet of REAL agent processes (`agent serve --dev`, store = etcd, each with
// its own private nginx on its own ports) on a real 3-member etcd, with two
// nanio pools (s3rver behind the verifying SigV4 shim) and the `photos` bucket
// seeded on `hot`: what the fleet migration tests SIGSTOP and SIGKILL.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { type AgentProc, type DevEnv, devEnv, spawnAgent, stopNginx } from "../helpers/proc.ts";
import { S3_ACCESS_KEY, type S3Server, startS3Server } from "../helpers/s3.ts";
import { clientOf, SHARED_SECRET, type StorageSetup } from "../storage/helpers.ts";
import { generateSecret } from "../../agent/store/secrets.ts";
import { BUCKET, seedBucket, sleep } from "../migrations/helpers.ts";

export interface FleetNodeProc {
  name: string;
  e: DevEnv;
  agent: AgentProc;
  /** An S3 client of this node's nginx. */
  gateway: ReturnType<typeof clientOf>;
}

export interface MigrationFleet {
  nodes: FleetNodeProc[];
  servers: S3Server[];
  direct: ReturnType<typeof clientOf>[];
  model: Map<string, string | null>;
  close(): Promise<void>;
}

// deno-lint-ignore no-explicit-any
export type Json = any;

export async function controllerOf(a: AgentProc): Promise<string | null> {
  const r = await a.api("GET", "/api/fleet").catch(() => null);
  return r?.status === 200 ? r.body.controller ?? null : null;
}

export async function until(what: string, ms: number, ok: () => Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

/**
 * Starts `names` as agents of fleet `cluster` (the first becomes the
 * controller: the others start once it leads), the pools and the `s3` site
 * (no listen entry: each node's nginx serves it on its own port), seeds the
 * bucket through the first node, and waits until every node's nginx serves it.
 */
export async function migrationFleet(
  endpoints: string[],
  cluster: string,
  names: string[],
  objects = 200,
): Promise<MigrationFleet> {
  const servers: S3Server[] = [];
  const nodes: FleetNodeProc[] = [];
  const secret = generateSecret(); // one sealing secret: the pools' credentials are shared
  const close = async () => {
    for (const n of nodes) {
      try {
        Deno.kill(n.agent.child.pid, "SIGCONT");
      } catch { /* exited */ }
      await n.agent.stop().catch(() => {});
      await stopNginx(n.e);
      await Deno.remove(n.e.cwd, { recursive: true }).catch(() => {});
    }
    await Promise.all(servers.map((s) => s.close()));
  };
  try {
    for (let i = 0; i < 2; i++) {
      servers.push(await startS3Server({ [S3_ACCESS_KEY]: SHARED_SECRET }));
    }
    for (const name of names) {
      const e = devEnv(await tempDir(`fleet-${name}`), {
        AGENT_SECRET: secret,
        AGENT_STORE: "etcd",
        AGENT_ETCD_ENDPOINTS: endpoints.join(","),
        AGENT_CLUSTER: cluster,
        AGENT_NODE_NAME: name,
        AGENT_BUCKET_SYNC_INTERVAL: "0",
        AGENT_S3_REQUEST_TIMEOUT: "60",
        // the client writes without pause: passes never converge, the split ends them
        AGENT_MIGRATION_MAX_COPY_PASSES: "4",
      });
      const agent = await spawnAgent(e);
      nodes.push({ name, e, agent, gateway: clientOf(`http://127.0.0.1:${e.httpPort}`) });
      if (nodes.length === 1) {
        await until(`${name} leads`, 20_000, async () => (await controllerOf(agent)) === name);
      }
    }
    const first = nodes[0].agent;
    for (const [i, p] of ["hot", "cold"].entries()) {
      const r = await first.api("PUT", `/api/pools/${p}`, {
        type: "nanio",
        members: [{ address: servers[i].address }],
        credentials: { access_key: S3_ACCESS_KEY, secret_key: SHARED_SECRET },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    // (clients sign for 127.0.0.1:<port>; no listen entry: each node's own HTTP port)
    const site = await first.api("PUT", "/api/sites/s3", {
      server_names: ["s3.test", "127.0.0.1"],
      default_pool: "hot",
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const direct = servers.map((s) => clientOf(s.endpoint));
    const { model } = await seedBucket(
      { t: first, servers, direct } as unknown as StorageSetup,
      objects,
    );
    const key = [...model.keys()][0];
    for (const n of nodes) {
      await until(`${n.name}'s nginx routes ${BUCKET} to hot`, 20_000, async () => {
        const r = await n.gateway.request("GET", `/${BUCKET}/${key}`, { ok: [404, 502] })
          .catch(() => null);
        return r?.status === 200 && (await r.text()) === model.get(key);
      });
    }
    return { nodes, servers, direct, model, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function logOf(a: AgentProc, id: string): Promise<string[]> {
  return (await a.api("GET", `/api/migrations/${id}/log`)).body.log ?? [];
}

/** Polls `a` for the migration until `ok` holds; fails on a terminal phase or the deadline. */
export async function watch(
  a: AgentProc,
  id: string,
  what: string,
  ms: number,
  ok: (m: Json) => boolean,
  seen?: (m: Json) => void,
): Promise<Json> {
  const deadline = Date.now() + ms;
  while (true) {
    const r = await a.api("GET", `/api/migrations/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    seen?.(r.body);
    if (ok(r.body)) return r.body;
    if (["done", "error", "cancelled"].includes(r.body.phase) || Date.now() > deadline) {
      assert.fail(
        `${what}: not reached (${r.body.phase}, waiting_for ${
          JSON.stringify(r.body.progress?.waiting_for)
        })\n${(await logOf(a, id)).join("\n")}\n--- agent output:\n${
          (a.stdout() + a.stderr()).slice(-4000)
        }`,
      );
    }
    await sleep(50);
  }
}
