// Serves the embedded web UI at /: the login page, the single-page app shell
// (hash routes, see web/app/pages.js) and its two assets. Everything is a text
// import, so `deno bundle` and `deno compile` of main.ts carry the UI; the
// bundle web/dist/app.js is built by scripts/build-web.ts.
import { Hono } from "hono";
import type { Context, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { etag } from "hono/etag";
import type { Runtime } from "../agent/runtime.ts";
import { hasSession, loginHandlers, loginPage } from "./login.ts";
import { loadRevocations } from "./revocations.ts";
import indexHtml from "./assets/index.html" with { type: "text" };
import styleCss from "./assets/style.css" with { type: "text" };
import appJs from "./dist/app.js" with { type: "text" };

// Nothing is loaded from elsewhere (air-gapped hosts), and no inline script runs.
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

async function securityHeaders(c: Context, next: Next) {
  await next();
  c.header("Content-Security-Policy", CSP);
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
}

export function uiRouter(rt: Runtime): Hono {
  const r = new Hono();
  // Revocations from before a restart; a failure leaves only this run's logouts known.
  const loaded = loadRevocations(rt.store.kv).catch((e) => {
    rt.log(`web UI: could not read logged-out sessions: ${e}`);
  });
  const auth = loginHandlers(rt);
  const noStore = async (c: Context, next: Next) => {
    await next();
    c.header("Cache-Control", "no-store");
  };

  r.use("/ui/*", etag());
  r.get("/ui/app.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    return c.body(appJs);
  });
  r.get("/ui/style.css", (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    return c.body(styleCss);
  });

  r.use("/login", securityHeaders, noStore, bodyLimit({ maxSize: 16 * 1024 }));
  r.use("/logout", securityHeaders, noStore, bodyLimit({ maxSize: 16 * 1024 }));
  r.use("/", securityHeaders, noStore);

  r.get("/login", async (c) => {
    await loaded;
    if (await hasSession(c, rt)) return c.redirect("/", 302);
    const m = c.req.query("m");
    return loginPage(c, m === "out" || m === "expired" ? m : undefined);
  });
  r.post("/login", (c) => auth.login(c));
  r.post("/logout", (c) => auth.logout(c));
  r.get("/", async (c) => {
    await loaded;
    if (!(await hasSession(c, rt))) return c.redirect("/login", 302);
    return c.html(indexHtml);
  });
  return r;
}
