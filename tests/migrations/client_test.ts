// The migration tests' S3 client model. A resumed case runs a second client on the
// first one's model: its new keys must be new. They were not (both named them
// new/<worker>-<i>), so the second client's other worker could overwrite or
// delete a key while it was being "created", and CI read the race as a lost write.
import assert from "node:assert/strict";
import { sleep, startClient } from "./helpers.ts";
import type { S3Client } from "../../agent/features/storage/s3-client.ts";

/** A gateway that only records what was asked of it (the model is what is tested here). */
function recorder() {
  const puts: [string, string][] = [];
  const gw = {
    putObject: async (_b: string, key: string, v: string) => (puts.push([key, v]), await sleep(1)),
    deleteObject: async () => await sleep(1),
    request: async () => (await sleep(1), new Response("x")),
  } as unknown as S3Client;
  return { gw, puts };
}

Deno.test("a second client on the same model never writes the first one's new keys as new", async () => {
  const model = new Map<string, string | null>([["seed.txt", "v"]]);
  const first = recorder();
  let c = startClient(first.gw, model, () => "copying");
  while (c.ops() < 80) await sleep(5);
  await c.stop();
  const before = new Set(model.keys());
  const second = recorder();
  c = startClient(second.gw, model, () => "verifying");
  while (c.ops() < 80) await sleep(5);
  await c.stop();
  // Its creations (op 0), not its overwrites of keys it picked from the model.
  const created = second.puts.filter(([, v]) => v.startsWith("client new")).map(([k]) => k);
  assert.ok(created.length >= 10, `the second client created keys: ${created.length}`);
  assert.deepEqual(created.filter((k) => before.has(k)), [], "created keys that already existed");
});
