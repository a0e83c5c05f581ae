// The agent-side verify diff (D4): source ⊆ destination, newer destination
// objects are client writes, extra keys only when older than split_at, with
// S3's whole-second LastModified in mind.
import assert from "node:assert/strict";
import { diffListings, type Listed, parseStats } from "./rclone.ts";

const o = (key: string, modTime: number, md5 = "a", size = 1): Listed => ({
  key,
  size,
  md5,
  modTime,
});
const SPLIT = Date.parse("2026-12-01T10:00:00.600Z");

Deno.test("diff: missing; differ and extra only for destination objects as rclone left them at the split", () => {
  const src = [o("same", 1), o("gone", 1), o("stale", 2, "new"), o("overwritten", 2, "old")];
  const atSplit = [
    o("same", 1),
    o("stale", 1, "old"),
    o("overwritten", 1, "old"),
    o("resurrected", SPLIT - 400),
  ];
  const dst = [
    o("same", 1),
    o("stale", 1, "old"),
    o("overwritten", SPLIT + 5000, "client"),
    // copied by rclone 0.4 s before the split, deleted by the client on the source since
    o("resurrected", SPLIT - 400),
    o("client-new", SPLIT + 5000),
    // a client write in the same second as split_at (S3 LastModified has whole seconds)
    o("client-same-second", Date.parse("2026-12-01T10:00:00.000Z")),
  ];
  const d = diffListings(src, dst, atSplit);
  assert.deepEqual(d.missing, ["gone"]);
  assert.deepEqual(d.differ, ["stale"]);
  assert.deepEqual(d.extra, ["resurrected"]);
});

Deno.test("stats: the JSON stats line of rclone's --use-json-log (D11)", () => {
  const s = parseStats(
    '{"level":"info","msg":"x","stats":{"bytes":10,"checks":20,"errors":0,"totalTransfers":3,"transfers":1,"totalBytes":30,"speed":5,"eta":4}}',
  );
  assert.deepEqual(s, {
    bytes: 10,
    totalBytes: 30,
    transfers: 1,
    totalTransfers: 3,
    checks: 20,
    errors: 0,
    speed: 5,
    eta: 4,
  });
  assert.equal(parseStats("plain text"), null);
});
