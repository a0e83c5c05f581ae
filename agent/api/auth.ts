// API key auth: `Authorization: Bearer <key>` or `X-Agent-Key: <key>`, or the
// web UI's session cookie. Compared in constant time.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { AgentError } from "../errors.ts";
import { SESSION_COOKIE, verifySession } from "./session.ts";

export function timingSafeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}

export function presentedKey(h: (n: string) => string | undefined): string | null {
  const auth = h("authorization");
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, "").trim();
  return h("x-agent-key")?.trim() ?? null;
}

export function requireAuth(
  apiKey: () => string,
  publicPaths: (path: string) => boolean,
): MiddlewareHandler {
  return async (c, next) => {
    if (publicPaths(c.req.path)) return await next();
    const key = presentedKey((n) => c.req.header(n));
    if (key !== null) {
      if (!timingSafeEqual(key, apiKey())) throw new AgentError("UNAUTHORIZED", "invalid API key");
      c.set("authVia" as never, "api" as never);
      return await next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie && await verifySession(cookie, apiKey())) {
      // A session cookie is ambient authority: refuse cross-site writes.
      if (
        c.req.method !== "GET" && c.req.method !== "HEAD" &&
        c.req.header("x-requested-with") !== "switchyard-ui"
      ) {
        throw new AgentError("FORBIDDEN", "UI requests must send X-Requested-With: switchyard-ui");
      }
      c.set("authVia" as never, "ui" as never);
      return await next();
    }
    throw new AgentError(
      "UNAUTHORIZED",
      "missing API key: send Authorization: Bearer <key> or X-Agent-Key: <key>",
    );
  };
}
