// The UI's login and logout: the API key (compared in constant time) buys an
// HMAC session cookie; logout revokes it on the server as well, so a copied
// cookie stops working too. The key is never logged.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Runtime } from "../agent/runtime.ts";
import { timingSafeEqual } from "../agent/api/auth.ts";
import { newSession, revokeSession, SESSION_COOKIE, verifySession } from "../agent/api/session.ts";
import { LoginThrottle } from "../agent/api/throttle.ts";
import { persistRevocation } from "./revocations.ts";
import { TOKEN_AUTH, TOKEN_COOKIE } from "../agent/api/principal.ts";
import { type LoginMessage, loginPageHtml } from "./login-page.ts";

export function loginPage(c: Context, message?: LoginMessage, status = 200) {
  return c.html(loginPageHtml(message), status as 200);
}

/** Over https, directly or behind a proxy that says so, the cookie is Secure. */
export function isHttps(c: Context): boolean {
  const fwd = c.req.header("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
  return new URL(c.req.url).protocol === "https:" || fwd === "https";
}

function clientOf(c: Context): string {
  const env = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return env?.remoteAddr?.hostname ?? "local";
}

export async function hasSession(c: Context, rt: Runtime): Promise<boolean> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie && await verifySession(cookie, rt.apiKey)) return true;
  return !!(await tokenOf(c, rt));
}

/** The principal of the UI's token cookie, or null (expired, revoked, none). */
async function tokenOf(c: Context, rt: Runtime) {
  const t = getCookie(c, TOKEN_COOKIE);
  const resolve = rt.tryUse(TOKEN_AUTH);
  if (!t || !resolve) return null;
  return await resolve(t).catch(() => null);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function loginHandlers(rt: Runtime, throttle = new LoginThrottle()) {
  return {
    async login(c: Context) {
      const client = clientOf(c);
      if (throttle.lockedFor(client) > 0) return loginPage(c, "locked", 429);
      const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
      const key = typeof form.key === "string" ? form.key.trim() : "";
      const resolve = rt.tryUse(TOKEN_AUTH);
      const isKey = !!key && timingSafeEqual(key, rt.apiKey);
      const viaToken = !isKey && key && resolve ? await resolve(key).catch(() => null) : null;
      if (!isKey && !viaToken) {
        rt.log(`web UI: failed login from ${client}`);
        await sleep(throttle.fail(client));
        return loginPage(c, "wrong", 401);
      }
      throttle.succeed(client);
      if (viaToken) {
        // The token itself is the session: its expiry and revocation end it.
        setCookie(c, TOKEN_COOKIE, key, {
          httpOnly: true,
          sameSite: "Strict",
          path: "/",
          maxAge: rt.settings.session_ttl,
          secure: isHttps(c),
        });
        return c.redirect("/", 303);
      }
      setCookie(
        c,
        SESSION_COOKIE,
        await newSession(rt.apiKey, Date.now(), rt.settings.session_ttl),
        {
          httpOnly: true,
          sameSite: "Strict",
          path: "/",
          maxAge: rt.settings.session_ttl,
          secure: isHttps(c),
        },
      );
      return c.redirect("/", 303);
    },
    async logout(c: Context) {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie && await verifySession(cookie, rt.apiKey)) {
        const r = revokeSession(cookie);
        if (r) {
          await persistRevocation(rt.store.kv, r.id, r.expiresAt).catch((e) =>
            rt.log(`web UI: could not persist a logout: ${e}`)
          );
        }
      }
      deleteCookie(c, TOKEN_COOKIE, {
        path: "/",
        httpOnly: true,
        sameSite: "Strict",
        secure: isHttps(c),
      });
      deleteCookie(c, SESSION_COOKIE, {
        path: "/",
        httpOnly: true,
        sameSite: "Strict",
        secure: isHttps(c),
      });
      return c.redirect("/login?m=out", 303);
    },
  };
}
