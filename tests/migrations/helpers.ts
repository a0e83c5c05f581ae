// A migration setup: two nanio pools (s3rver behind the verifying SigV4 shim),
// a bucket routed to the first one holding `objects` small objects (and one
// 8 MiB multipart object put by rclone), and a client that keeps writing,
// overwriting, deleting and reading through nginx while a migration runs,
// remembering what it last did to each key.
import assert from "node:assert/strict";
import { rclone, type StorageSetup, storageSetup } from "../storage/helpers.ts";
import type { S3Client } from "../../agent/features/storage/s3-client.ts";
import type { TestAgent } from "../helpers/agent.ts";
import type { Barrier } from "../../agent/features/migrations/barrier.ts";

export const BUCKET = "photos";
export const BIG = "big/multipart.bin";

export async function seedBucket(s: StorageSetup, objects: number, multipart = true) {
  const [hot] = s.direct;
  await hot.createBucket(BUCKET);
  const keys = Array.from({ length: objects }, (_, i) => `obj/${String(i).padStart(4, "0")}.txt`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map((k) => hot.putObject(BUCKET, k, `seed ${k}`)));
  }
  if (multipart) {
    const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-mp-" });
    const big = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    await Deno.writeFile(`${dir}/big.bin`, big);
    const r = await rclone(s.servers[0].endpoint, [
      "copyto",
      `${dir}/big.bin`,
      `gw:${BUCKET}/${BIG}`,
      "--s3-upload-cutoff",
      "5M",
      "--s3-chunk-size",
      "5M",
    ]);
    await Deno.remove(dir, { recursive: true });
    assert.equal(r.code, 0, r.err);
    assert.ok(s.servers[0].requests.some((q) => q.includes("uploadId=")), "a multipart upload");
  }
  const sync = await s.t.api("POST", "/api/sites/s3/buckets/sync");
  assert.equal(sync.status, 200, JSON.stringify(sync.body));
  const p = await s.t.api("POST", `/api/sites/s3/buckets/${BUCKET}/promote`, { pool: "hot" });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const model = new Map<string, string | null>(keys.map((k) => [k, `seed ${k}`]));
  return { keys, model };
}

export async function migrationSetup(
  objects = 200,
  opts: { dir?: string; log?: (m: string) => void; multipart?: boolean } = {},
) {
  const s = await storageSetup(2, opts);
  // Fewer copy passes than the default 10: the test client writes without pause, so
  // passes never converge and the split ends them (rule b/c of the spec) sooner.
  Object.assign(s.t.agent.rt.settings, { migration_max_copy_passes: 4 });
  const seeded = await seedBucket(s, objects, opts.multipart ?? true);
  return { s, ...seeded };
}

/** An agent reached over its API (in-process or a spawned `agent serve`). */
interface ApiOnly {
  // deno-lint-ignore no-explicit-any
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the migration of BUCKET from pool hot to pool cold (site s3); its id. */
export async function startHotToCold(t: Pick<TestAgent, "api"> | ApiOnly): Promise<string> {
  const r = await t.api("POST", "/api/migrations", {
    site: "s3",
    bucket: BUCKET,
    src_pool: "hot",
    dst_pool: "cold",
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

/** The real barrier, held (until aborted) while `hold()` says so. */
export function heldBarrier(real: Barrier, hold: () => Promise<boolean>): Barrier {
  return {
    async wait(g, o) {
      while (await hold()) {
        if (o.signal?.aborted) {
          return { ok: false, waiting_for: ["held by the test"], waitedMs: 0, seen: [] };
        }
        await sleep(20);
      }
      return await real.wait(g, o);
    },
  };
}

/** Numbers the clients of a run: a second client must not write the first one's key names. */
let clients = 0;

/**
 * Writes, overwrites, deletes and reads through nginx until stopped. Every
 * non-2xx answer is a failure, except a 404 for a key it deleted.
 */
export function startClient(gw: S3Client, model: Map<string, string | null>, phase: () => string) {
  // A resumed case starts a second client on the same model. With the same names its
  // "new" key could be one the first client wrote, which this client's other worker
  // may be overwriting or deleting at that moment: s3rver mixes two PUTs of one key
  // ("client new 200 during verifyingifying"), or the delete lands after the PUT and
  // the model says the key exists. CI saw both and took them for a lost write.
  const tag = ++clients;
  const failures: string[] = [];
  const phases = new Map<string, number>();
  let stop = false;
  let n = 0;
  // A key one worker is changing is not touched by the other (the model stays exact).
  const busy = new Set<string>();
  const live = () => [...model].filter(([k, v]) => v !== null && !busy.has(k)).map(([k]) => k);
  const one = async (worker: number) => {
    while (!stop) {
      const i = n++;
      const op = i % 4;
      const ph = phase();
      phases.set(ph, (phases.get(ph) ?? 0) + 1);
      const keys = live();
      const pick = keys[(i * 7919 + worker) % keys.length];
      if (pick) busy.add(pick);
      try {
        if (op === 0) {
          const k = `new/${tag}-${worker}-${i}.txt`;
          const v = `client new ${i} during ${ph}`;
          await gw.putObject(BUCKET, k, v);
          model.set(k, v); // once written, no read of it may 404
        } else if (op === 1 && pick) {
          const v = `client overwrite ${i} during ${ph}`;
          await gw.putObject(BUCKET, pick, v);
          model.set(pick, v);
        } else if (op === 2 && pick && i % 8 === 2) {
          model.set(pick, null);
          await gw.deleteObject(BUCKET, pick);
        } else if (pick) {
          const r = await gw.request("GET", `/${BUCKET}/${pick}`, { ok: [404] });
          const body = await r.text();
          if (r.status === 404 && model.get(pick) !== null) {
            failures.push(`GET ${pick} during ${ph}: 404 (${body.slice(0, 120)})`);
          }
        }
      } catch (e) {
        failures.push(`op ${i} (${op}) during ${ph}: ${(e as Error).message}`);
        // A write that failed may or may not have landed: the client cannot know, so the model
        // no longer says (a client stopped while an agent it outlived held the key, for one).
        if ((op === 1 || op === 2) && pick) model.delete(pick);
      } finally {
        if (pick) busy.delete(pick);
      }
      await sleep(3);
    }
  };
  const workers = [one(1), one(2)];
  return {
    failures,
    phases,
    ops: () => n,
    async stop() {
      stop = true;
      await Promise.all(workers);
    },
  };
}

/**
 * Polls the migration until `until` holds (or a terminal phase), recording the
 * phases seen. The timeout only guards against a hang: on 2 loaded cores a
 * migration with a client writing beside it takes minutes (CI saw 90 s run out
 * in verifying after nine copying passes).
 */
export async function follow(
  t: TestAgent,
  id: string,
  // deno-lint-ignore no-explicit-any
  until: (m: any) => boolean = (m) => ["done", "error", "cancelled"].includes(m.phase),
  timeoutMs = 120_000,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const r = await t.api("GET", `/api/migrations/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (until(r.body)) return r.body;
    if (["done", "error", "cancelled"].includes(r.body.phase)) {
      const log = await t.api("GET", `/api/migrations/${id}/log`);
      assert.fail(
        `migration ended ${r.body.phase} before the condition:\n${log.body.log.join("\n")}`,
      );
    }
    if (Date.now() > deadline) {
      const log = await t.api("GET", `/api/migrations/${id}/log`);
      assert.fail(`timed out in ${r.body.phase}:\n${log.body.log.join("\n")}`);
    }
    await sleep(20);
  }
}

/** Every key the client last wrote has its content on `c`; every deleted key is absent. */
export async function assertModelOn(c: S3Client, model: Map<string, string | null>) {
  const wrong: string[] = [];
  const listed = new Set((await c.listAll(BUCKET)).map((o) => o.key));
  for (const [k, v] of model) {
    if (v === null) {
      if (listed.has(k)) wrong.push(`${k}: deleted by the client, present`);
      continue;
    }
    const r = await c.request("GET", `/${BUCKET}/${k}`, { ok: [404] });
    const got = r.status === 404 ? "(missing)" : await r.text();
    if (got !== v) wrong.push(`${k}: ${JSON.stringify(got)} != ${JSON.stringify(v)}`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} key(s) wrong`);
}
