// The verify step without nginx: verdicts kept per entity and verifier, a
// failure refuses its group, a verifier that throws is logged.
import assert from "node:assert/strict";
import type { Rec } from "../store/store.ts";
import type { Verdict, Verified, Verifier } from "./outcome.ts";
import { RoundPlan } from "./plan.ts";
import { verify } from "./verify.ts";

const owned = { managed_by: { kind: "proxy", name: "b" } };

function plan(): RoundPlan {
  const desired = new Map<string, Rec>([
    ["proxy/a", { name: "a" } as Rec],
    ["proxy/b", { name: "b" } as Rec],
    ["site/b", { name: "b", ...owned } as Rec],
  ]);
  return new RoundPlan(desired, new Map(), [...desired.keys()]);
}

const fixed = (name: string, verdicts: Verdict[]): Verifier => ({
  name,
  verify: () => Promise.resolve(verdicts),
});

Deno.test("verify: passes and failures are kept, a failing entity's group is refused", async () => {
  const p = plan();
  const seen: string[][] = [];
  const verified = new Map<string, Verified>();
  const r = await verify(
    [
      {
        name: "through-nginx",
        verify: (changed) => {
          seen.push(changed);
          return Promise.resolve([
            { id: "proxy/a", ok: true, message: "GET / 200" },
            { id: "site/b", code: "UPSTREAM_UNHEALTHY", message: "502" },
          ]);
        },
      },
    ],
    p,
    verified,
  );
  assert.deepEqual(r, { failed: true, refused: true });
  assert.deepEqual(seen, [["proxy/a", "proxy/b"]], "verifiers get the remaining groups");
  assert.deepEqual([...verified.values()], [
    { id: "proxy/a", verifier: "through-nginx", ok: true, message: "GET / 200" },
    {
      id: "site/b",
      verifier: "through-nginx",
      ok: false,
      code: "UPSTREAM_UNHEALTHY",
      message: "502",
    },
  ]);
  assert.deepEqual([...p.remaining], ["proxy/a"]);
  assert.equal(p.refusals[0].id, "proxy/b");
});

Deno.test("verify: the last verdict per entity counts; a throwing verifier is logged, not a verdict", async () => {
  const p = plan();
  const verified = new Map<string, Verified>();
  await verify(
    [fixed("v", [{ id: "proxy/a", code: "UPSTREAM_UNHEALTHY", message: "down" }])],
    p,
    verified,
  );
  const logs: string[] = [];
  const broken: Verifier = { name: "broken", verify: () => Promise.reject(new Error("boom")) };
  const r = await verify(
    [broken, fixed("v", [{ id: "proxy/b", ok: true }])],
    p,
    verified,
    (m) => logs.push(m),
  );
  assert.deepEqual(r, { failed: false, refused: false });
  assert.deepEqual(logs, ["verifier broken failed: Error: boom"]);
  assert.deepEqual([...verified.values()].map((v) => [v.id, v.ok]), [["proxy/a", false], [
    "proxy/b",
    true,
  ]]);
});

Deno.test("verify: a failure for an entity no longer in the round refuses nothing", async () => {
  const p = plan();
  p.refuse("proxy/a", { code: "NGINX_TEST_FAILED", message: "x" });
  const r = await verify(
    [fixed("v", [{ id: "proxy/a", code: "UPSTREAM_UNHEALTHY", message: "down" }])],
    p,
    new Map(),
  );
  assert.deepEqual(r, { failed: true, refused: false });
  assert.equal(p.refusals.length, 1);
});
