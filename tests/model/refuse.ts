// Assertions for validation: a refusal is VALIDATION_FAILED naming the field.
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";

/** Asserts `fn` throws VALIDATION_FAILED with detail.field === field (and the message matches). */
export function refused(fn: () => unknown, field: string, message?: RegExp): AgentError {
  let got: unknown;
  try {
    fn();
  } catch (e) {
    got = e;
  }
  if (got === undefined) assert.fail(`accepted; expected VALIDATION_FAILED naming ${field}`);
  if (!(got instanceof AgentError)) throw got;
  assert.equal(got.code, "VALIDATION_FAILED", got.message);
  assert.equal(got.detail.field, field, `wrong field in: ${got.message}`);
  assert.ok(got.message.startsWith(`${field}: `), `message names the field: ${got.message}`);
  if (message) assert.match(got.message, message);
  return got;
}

/** Asserts `fn` does not throw (the positive twin of every refusal). */
export function accepted<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AgentError) assert.fail(`refused: ${e.code} ${e.message}`);
    throw e;
  }
}
