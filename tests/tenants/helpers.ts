// Requests as an issued token (tenant tests).
import assert from "node:assert/strict";
import type { TestAgent } from "../helpers/agent.ts";

/** A request through the app with `Authorization: Bearer <token>`; the body parsed when JSON. */
export async function as(
  t: TestAgent,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const r = await t.agent.app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch { /* text */ }
  // deno-lint-ignore no-explicit-any
  return { status: r.status, text, body: json as any };
}

/** Issues a token (as root) and returns its secret. */
export async function token(t: TestAgent, body: Record<string, unknown>): Promise<string> {
  const r = await t.api("POST", "/api/tokens", body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.token, /^sy_[0-9a-f]{12}_[0-9a-f]{48}$/);
  return r.body.token;
}
