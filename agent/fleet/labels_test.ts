// node_labels parsing and a canary named by a label.
import assert from "node:assert/strict";
import { isSelector, parseLabels, selectNode } from "./labels.ts";
import type { FleetNode } from "./status.ts";

const node = (name: string, labels: Record<string, string> | null): FleetNode => ({
  name,
  ...(labels ? { registered: { since: "2026-12-02T00:00:00Z", labels } } : {}),
});

Deno.test("node_labels: key=value pairs; a malformed one is refused naming the field", () => {
  assert.deepEqual(parseLabels(""), {});
  assert.deepEqual(parseLabels("role=canary, zone=eu-1"), { role: "canary", zone: "eu-1" });
  for (const bad of ["role", "role=", "=x", "a=b=c", "Role=x", "a b=c"]) {
    assert.throws(() => parseLabels(bad), (e: Error & { detail?: { field?: string } }) => {
      assert.equal(e.detail?.field, "node_labels", bad);
      assert.match(e.message, new RegExp(JSON.stringify(bad.trim()).replace(/[[\]]/g, "\\$&")));
      return true;
    });
  }
});

Deno.test("a label selects the one registered node that has every pair; none or several is refused", () => {
  const nodes = [
    node("gw-a", { role: "canary", zone: "a" }),
    node("gw-b", { zone: "a" }),
    node("gw-c", { zone: "b" }),
    node("gw-fenced", null), // reports, but is no longer registered
  ];
  assert.equal(isSelector("gw-a"), false);
  assert.equal(isSelector("role=canary"), true);
  assert.equal(selectNode(nodes, "role=canary"), "gw-a");
  assert.equal(selectNode(nodes, "zone=a,role=canary"), "gw-a");
  assert.equal(selectNode(nodes, "zone=b"), "gw-c");
  assert.throws(() => selectNode(nodes, "zone=a"), /select 2 nodes \(gw-a, gw-b\)/);
  assert.throws(
    () => selectNode(nodes, "role=none"),
    /no registered node has the labels role=none/,
  );
  assert.throws(
    () => selectNode(nodes, "role"),
    (e: Error & { detail?: { field?: string } }) => e.detail?.field === "canary",
  );
});
