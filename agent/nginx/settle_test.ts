// Which caller gets what after a round, without nginx.
import assert from "node:assert/strict";
import { AgentError } from "../errors.ts";
import { outcomeOf, type Refusal, type RoundResult } from "./outcome.ts";
import { settle, type Waiter } from "./settle.ts";

function waiter(seq: number, ids: string[]) {
  const got: { outcome?: unknown; error?: AgentError } = {};
  const w: Waiter = {
    seq,
    ids,
    resolve: (o) => got.outcome = o,
    reject: (e) => got.error = e,
  };
  return { w, got };
}

const refusal: Refusal = {
  id: "proxy/app",
  kind: "proxy",
  name: "app",
  code: "NGINX_TEST_FAILED",
  message: "nginx -t refused proxy app: [emerg] ...",
  nginx_output: "nginx: [emerg] ...",
  file: "site-app.conf",
  line: 3,
};

function result(extra: Partial<RoundResult> = {}): RoundResult {
  return {
    outcome: outcomeOf("applied", { generation: 4, hash: "h" }),
    seq: 10,
    refusedIds: new Map([["site/app", refusal], ["proxy/app", refusal]]),
    ...extra,
  };
}

Deno.test("settle: outcome to carried callers, the refusal to a refused entity's caller, later ones wait", () => {
  const ok = waiter(9, ["site/a"]);
  const refused = waiter(10, ["site/a", "site/app"]);
  const later = waiter(11, ["site/b"]);
  const still = settle([ok.w, refused.w, later.w], result(), 4);
  assert.deepEqual(still, [later.w]);
  assert.equal((ok.got.outcome as { status: string }).status, "applied");
  assert.equal(refused.got.outcome, undefined);
  assert.equal(refused.got.error?.code, "NGINX_TEST_FAILED");
  assert.deepEqual(refused.got.error?.detail, {
    entity: { kind: "proxy", name: "app" },
    nginx_output: "nginx: [emerg] ...",
    file: "site-app.conf",
    line: 3,
    generation: 4,
  });
});

Deno.test("settle: a fatal round rejects every carried caller with its error", () => {
  const fatal = new AgentError("CONFIG_WRITE_FAILED", "cannot write generation: disk full");
  const a = waiter(1, []);
  const b = waiter(10, ["site/app"]);
  const later = waiter(11, []);
  assert.deepEqual(settle([a.w, b.w, later.w], result({ fatal }), 4), [later.w]);
  assert.equal(a.got.error, fatal);
  assert.equal(b.got.error, fatal, "the fatal error wins over a refusal");
});
