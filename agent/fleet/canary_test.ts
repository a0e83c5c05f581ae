// The canary's pure parts: the follower's hold and the revert to the base.
import assert from "node:assert/strict";
import { type Canary, CanaryView, Hold, revertOps } from "./canary.ts";
import { fleetKeys } from "./keys.ts";
import type { KeyValue, WatchEvent } from "./etcd.ts";

const keys = fleetKeys("t");
const kv = (key: string, value: string, modRevision: number): KeyValue => ({
  key,
  value,
  modRevision,
  createRevision: modRevision,
  version: 1,
  lease: "",
});
const put = (key: string, value: string, rev: number): WatchEvent => ({
  type: "put",
  kv: kv(key, value, rev),
});
const marker = (state: Canary["state"], node = "gw-a"): string =>
  JSON.stringify(
    {
      id: "c1",
      node,
      state,
      base_generation: 4,
      base_revision: 10,
      armed_revision: 0,
      generation: null,
      hold_s: 30,
      baseline: [],
      by: "api",
      started_at: "2026-01-01T00:00:00.000Z",
      healthy_since: null,
      ended_at: null,
      reason: null,
    } satisfies Canary,
  );

Deno.test("another node holds changes after the base until the canary ends, then gets them in order", () => {
  const view = new CanaryView();
  const h = new Hold(keys, "gw-b", view);
  h.start(undefined);
  const rec = `${keys.desired}pool/web`;
  const a = h.pass([put(rec, "v1", 9), put(keys.canary, marker("running"), 11)]);
  assert.deepEqual(a.apply.map((e) => e.kv.value), ["v1"]);
  assert.equal(view.marker?.state, "running");
  const b = h.pass([put(rec, "v2", 12), put(keys.generation, "5", 12)]);
  assert.deepEqual(b.apply, [], "held");
  const c = h.pass([put(keys.canary, marker("promoted"), 13), put(rec, "v3", 14)]);
  assert.deepEqual(c.apply.map((e) => e.kv.value), ["v2", "5", "v3"]);
  assert.equal(c.restart, false);
});

Deno.test("the canary node itself holds nothing; a snapshot past the base is read at the base", () => {
  const me = new Hold(keys, "gw-a", new CanaryView());
  me.start(kv(keys.canary, marker("running"), 11));
  assert.equal(me.pass([put(`${keys.desired}site/x`, "v", 12)]).apply.length, 1);
  const other = new Hold(keys, "gw-b", new CanaryView());
  assert.equal(other.snapshot([kv(keys.canary, marker("running"), 11)], 20), 10);
  // It skipped what came between: once the canary ends it follows again from its mirror.
  assert.equal(other.pass([put(keys.canary, marker("aborted"), 21)]).restart, true);
});

Deno.test("revertOps puts back changed and deleted records and deletes new ones", () => {
  const d = keys.desired;
  const base = [
    kv(`${d}pool/a`, "A1", 3),
    kv(`${d}pool/b`, "B1", 3),
    kv(keys.generation, "4", 3),
  ];
  const now = [
    kv(`${d}pool/a`, "A2", 12),
    kv(`${d}pool/c`, "C1", 12),
    kv(keys.generation, "6", 12),
    kv(keys.canary, marker("running"), 11),
  ];
  assert.deepEqual(revertOps(keys, base, now), {
    puts: { [`${d}pool/a`]: "A1", [`${d}pool/b`]: "B1" },
    deletes: [`${d}pool/c`],
  });
});
