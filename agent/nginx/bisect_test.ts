// Bisection without nginx: a fake `nginx -t` that fails once a given group is in.
import assert from "node:assert/strict";
import type { AgentError } from "../errors.ts";
import type { Rec } from "../store/store.ts";
import { bisect, findCulprit, type Trial } from "./bisect.ts";
import { RoundPlan } from "./plan.ts";

/** Trials of a candidate whose group `bad` (an index, or null: none) breaks nginx -t. */
function fake(bad: number | null, failsAlone = false) {
  const asked: number[] = [];
  const trial = (k: number): Promise<Trial> => {
    asked.push(k);
    const ok = !failsAlone && (bad === null || k <= bad);
    return Promise.resolve({ ok, output: `trial ${k}`, mapped: { message: `m${k}` } });
  };
  return { trial, asked };
}

Deno.test("bisect finds the first failing group in log2 trials, after the two ends", async () => {
  for (let bad = 0; bad < 9; bad++) {
    const f = fake(bad);
    const found = await bisect(9, f.trial);
    assert.equal(found?.index, bad);
    assert.equal(found?.trial.ok, false);
    assert.deepEqual(f.asked.slice(0, 2), [0, 9]);
    assert.ok(f.asked.length <= 2 + Math.ceil(Math.log2(9)), f.asked.join(","));
  }
});

Deno.test("bisect: null when nginx -t fails without any group, or passes with all of them", async () => {
  assert.equal(await bisect(4, fake(null, true).trial), null);
  const all = fake(null);
  assert.equal(await bisect(4, all.trial), null);
  assert.deepEqual(all.asked, [0, 4]);
});

function plan(n: number): RoundPlan {
  const desired = new Map<string, Rec>(
    Array.from({ length: n }, (_, i) => [`site/s${i}`, { name: `s${i}` } as Rec]),
  );
  return new RoundPlan(desired, new Map(), [...desired.keys()]);
}

Deno.test("findCulprit names the group with the output of the trial that showed it", async () => {
  const c = await findCulprit(plan(5), { message: "[emerg] x" }, "out", (k) => fake(3).trial(k));
  assert.deepEqual(c, { group: "site/s3", output: "trial 4", mapped: { message: "m4" } });
});

Deno.test("findCulprit: no group to blame is NGINX_TEST_FAILED, the changes stay pending", async () => {
  await assert.rejects(
    findCulprit(plan(3), { message: "[emerg] x" }, "out", (k) => fake(null, true).trial(k)),
    (e: AgentError) => {
      assert.equal(e.code, "NGINX_TEST_FAILED");
      assert.match(
        e.message,
        /fails even without the pending changes \(they stay pending\): \[emerg\] x/,
      );
      assert.equal(e.detail.nginx_output, "out");
      return true;
    },
  );
});
