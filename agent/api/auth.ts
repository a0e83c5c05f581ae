// API key auth: `Authorization: Bearer <key>` or `X-Agent-Key: <key>`, or the
// web UI's session cookie. Compared in constant time.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { AgentError } from "../errors.ts";
import { SESSION_COOKIE, verifySession } from "./session.ts";
import { type Principal, ROOT, TOKEN_COOKIE } from "./principal.ts";
import { LoginThrottle } from "./throttle.ts";

/** The client's address as Deno.serve reports it ("local" for in-process requests). */
export function clientAddress(env: unknown): string {
  return (env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname ??
    "local";
}

const TOKEN_SHAPE = /^sy_[0-9a-f]+_[0-9a-f]+$/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  /** Tokens besides the API key (the tenants feature); throws UNAUTHORIZED for a bad one. */
  token?: (secret: string) => Promise<Principal | null>,
  throttle = new LoginThrottle(),
): MiddlewareHandler {
  /** On a public path: who presented a token, if anyone (no refusal, no throttle). */
  const presented = async (c: Context): Promise<Principal | null> => {
    const key = presentedKey((n) => c.req.header(n)) ?? (token ? getCookie(c, TOKEN_COOKIE) : null);
    if (!key || !token || !TOKEN_SHAPE.test(key) || timingSafeEqual(key, apiKey())) return null;
    return await token(key).catch(() => null);
  };
  return async (c, next) => {
    if (publicPaths(c.req.path)) {
      // public to all; a tenant token still reads it as its tenant (the guard scopes it)
      const who = await presented(c);
      if (who) c.set("principal" as never, who as never);
      return await next();
    }
    const key = presentedKey((n) => c.req.header(n));
    if (key !== null) {
      // Wrong keys from one address slow it down (as the UI login does): while it is
      // held, its requests are refused without looking at the key.
      const client = clientAddress(c.env);
      const wait = throttle.lockedFor(client);
      if (wait > 0) {
        c.header("Retry-After", String(Math.ceil(wait / 1000)));
        throw new AgentError(
          "UNAUTHORIZED",
          `too many wrong API keys from ${client}: retry in ${Math.ceil(wait / 1000)} s`,
        );
      }
      let who: Principal | null = timingSafeEqual(key, apiKey()) ? ROOT : null;
      // Only what looks like a token is looked up (an await); any other wrong key
      // fails at once, so parallel guesses meet the lock the first one set.
      if (!who && token && TOKEN_SHAPE.test(key)) {
        try {
          who = await token(key);
        } catch (e) {
          await sleep(throttle.fail(client));
          throw e;
        }
      }
      if (!who) {
        await sleep(throttle.fail(client));
        throw new AgentError("UNAUTHORIZED", "invalid API key");
      }
      throttle.succeed(client);
      c.set("authVia" as never, (who.token ? "token" : "api") as never);
      c.set("principal" as never, who as never);
      return await next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    const tokenCookie = token ? getCookie(c, TOKEN_COOKIE) : undefined;
    const viaToken = tokenCookie ? await token!(tokenCookie) : null;
    if (viaToken) c.set("principal" as never, viaToken as never);
    if (viaToken || (cookie && await verifySession(cookie, apiKey()))) {
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
