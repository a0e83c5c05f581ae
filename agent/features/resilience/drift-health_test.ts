import assert from "node:assert/strict";
import { liveDriftIssues } from "./drift-run.ts";
import { type DriftReport, NGINX_DOWN } from "../../nginx/drift.ts";

const report = (
  issues: string[],
) => ({ ok: issues.length === 0, issues } as unknown as DriftReport);

Deno.test("health: a drift check's stale 'nginx is not running' is not a standing reason (the core checks it live)", () => {
  assert.deepEqual(liveDriftIssues(report([NGINX_DOWN])), []);
  assert.deepEqual(liveDriftIssues(report([NGINX_DOWN, "x.conf was edited by hand"])), [
    "x.conf was edited by hand",
  ]);
  assert.deepEqual(liveDriftIssues(null), []);
});
