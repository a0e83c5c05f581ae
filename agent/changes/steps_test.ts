// The step runner: order, undo in reverse (the failing step included), joined errors.
import assert from "node:assert/strict";
import { runSteps, type Step } from "./steps.ts";
import { AgentError } from "../errors.ts";

function recorder() {
  const log: string[] = [];
  const step = (name: string, fail?: "do" | "undo"): Step<string[]> => ({
    name,
    do: (l) => {
      l.push(`do ${name}`);
      if (fail === "do") throw new AgentError("CONFLICT", `${name} failed`);
      return Promise.resolve();
    },
    undo: (l) => {
      l.push(`undo ${name}`);
      if (fail === "undo") throw new Error(`${name} cannot be undone`);
      return Promise.resolve();
    },
  });
  return { log, step };
}

Deno.test("steps run in order; nothing is undone when all succeed", async () => {
  const { log, step } = recorder();
  await runSteps([step("a"), step("b")], log);
  assert.deepEqual(log, ["do a", "do b"]);
});

Deno.test("a failing step is undone with every step before it, in reverse", async () => {
  const { log, step } = recorder();
  await assert.rejects(
    runSteps([step("a"), step("b"), step("c", "do"), step("d")], log),
    (e: AgentError) => e.code === "CONFLICT" && e.message === "c failed",
  );
  assert.deepEqual(log, ["do a", "do b", "do c", "undo c", "undo b", "undo a"]);
});

Deno.test("undo errors are joined to the failure; the other undos still run", async () => {
  const { log, step } = recorder();
  await assert.rejects(
    runSteps([step("a"), step("b", "undo"), step("c", "do")], log),
    (e: AgentError) =>
      e.code === "CONFLICT" &&
      e.message === "c failed; additionally, undoing b: b cannot be undone",
  );
  assert.deepEqual(log, ["do a", "do b", "do c", "undo c", "undo b", "undo a"]);
});
