// Round planning without nginx: the changed set, groups from managed_by, the
// candidate a round narrows as it refuses groups, and pending changes.
import assert from "node:assert/strict";
import type { Rec } from "../store/store.ts";
import {
  changedIds,
  pendingChanges,
  planGroups,
  RoundPlan,
  sameRecord,
  SETTINGS_GROUP,
} from "./plan.ts";

function rec(name: string, spec: Record<string, unknown> = {}, version = 1): Rec {
  return {
    name,
    version,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: `2026-01-0${version}T00:00:00Z`,
    ...spec,
  } as Rec;
}

const proxyOwned = { managed_by: { kind: "proxy", name: "app" } };

Deno.test("sameRecord ignores version and times, not the spec or the owner", () => {
  assert.ok(sameRecord(rec("a", { x: 1 }, 1), rec("a", { x: 1 }, 7)));
  assert.ok(!sameRecord(rec("a", { x: 1 }), rec("a", { x: 2 })));
  assert.ok(!sameRecord(rec("a", { x: 1 }), rec("a", { x: 1, ...proxyOwned })));
  assert.ok(sameRecord(undefined, undefined));
  assert.ok(!sameRecord(rec("a"), undefined));
});

Deno.test("the changed set: created, updated and deleted records, not version bumps", () => {
  const applied = new Map([
    ["site/same", rec("same", { x: 1 })],
    ["site/bumped", rec("bumped", { x: 1 }, 1)],
    ["site/edited", rec("edited", { x: 1 })],
    ["site/gone", rec("gone")],
  ]);
  const desired = new Map([
    ["site/same", rec("same", { x: 1 })],
    ["site/bumped", rec("bumped", { x: 1 }, 2)],
    ["site/edited", rec("edited", { x: 2 })],
    ["site/new", rec("new")],
  ]);
  assert.deepEqual(changedIds(desired, applied).sort(), ["site/edited", "site/gone", "site/new"]);
  assert.deepEqual(pendingChanges(desired, applied), [
    { id: "site/edited", action: "update", version: 1 },
    { id: "site/gone", action: "delete", version: null },
    { id: "site/new", action: "create", version: 1 },
  ]);
});

Deno.test("groups: records owned by another entity stand or fall with it, also when deleted", () => {
  const applied = new Map([["pool/app", rec("app", proxyOwned)]]);
  const desired = new Map([
    ["proxy/app", rec("app")],
    ["site/app", rec("app", proxyOwned)],
    ["site/plain", rec("plain")],
  ]);
  const groups = planGroups(changedIds(desired, applied), desired, applied);
  assert.deepEqual(
    [...groups].map(([g, ids]) => [g, [...ids].sort()]).sort(),
    [["proxy/app", ["pool/app", "proxy/app", "site/app"]], ["site/plain", ["site/plain"]]],
  );
});

Deno.test("groups: a rerender without changed records is one empty settings group", () => {
  const groups = planGroups([], new Map(), new Map());
  assert.deepEqual([...groups], [[SETTINGS_GROUP, new Set()]]);
});

Deno.test("RoundPlan: a refused group goes back to what nginx serves; bisection states keep the first k", () => {
  const applied = new Map([["site/a", rec("a", { v: "old" })], [
    "pool/app",
    rec("app", proxyOwned),
  ]]);
  const desired = new Map([
    ["site/a", rec("a", { v: "new" })],
    ["site/b", rec("b")],
    ["proxy/app", rec("app")],
    ["site/app", rec("app", proxyOwned)],
    ["pool/app", rec("app", { ...proxyOwned, members: 2 })],
  ]);
  const plan = new RoundPlan(desired, applied, changedIds(desired, applied));
  assert.deepEqual([...plan.remaining], ["site/a", "site/b", "proxy/app"]);
  assert.equal(plan.owner("pool/app"), "proxy/app");

  const order = [...plan.remaining];
  const firstOne = plan.withFirst(order, 1);
  assert.equal(firstOne.get("site/a")?.v, "new");
  assert.equal(firstOne.has("site/b"), false);
  assert.deepEqual(firstOne.get("pool/app"), applied.get("pool/app"));
  assert.equal(plan.state.has("site/b"), true, "bisection does not touch the candidate");

  plan.refuse("proxy/app", { code: "UPSTREAM_UNHEALTHY", message: "down" });
  assert.deepEqual([...plan.remaining], ["site/a", "site/b"]);
  assert.equal(plan.state.has("proxy/app"), false, "a new entity refused is gone");
  assert.equal(plan.state.has("site/app"), false);
  assert.deepEqual(plan.state.get("pool/app"), applied.get("pool/app"), "an owned record reverts");
  assert.deepEqual(plan.refusals, [{
    id: "proxy/app",
    kind: "proxy",
    name: "app",
    code: "UPSTREAM_UNHEALTHY",
    message: "down",
  }]);
  assert.deepEqual([...plan.refusedIds.keys()].sort(), ["pool/app", "proxy/app", "site/app"]);
  assert.deepEqual(plan.appliedIds(), ["site/a", "site/b"]);
  assert.deepEqual(plan.membersOf("proxy/app").sort(), ["pool/app", "proxy/app", "site/app"]);
});
