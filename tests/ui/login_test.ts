// Login, sessions and logout over HTTP (no browser): cookie attributes, the
// brute-force brake, the CSRF header, revocation that survives a restart, and
// the embedded assets.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { uiRouter } from "../../web/server.ts";
import { LoginThrottle } from "../../agent/api/throttle.ts";
import type { Hono } from "hono";

const form = (key: string) => new URLSearchParams({ key });

async function login(app: Hono, key: string, headers: Record<string, string> = {}) {
  return await app.request("/login", { method: "POST", body: form(key), headers });
}

function cookieOf(r: Response): string {
  const set = r.headers.get("set-cookie") ?? "";
  const m = /switchyard_session=([^;]*)/.exec(set);
  assert.ok(m && m[1], `no session cookie in ${set}`);
  return `switchyard_session=${m[1]}`;
}

Deno.test("login: pages redirect to /login; the right key sets a strict HttpOnly cookie, Secure behind https", async () => {
  const t = await startTestAgent({ startNginx: false });
  const app = t.agent.app;
  try {
    const root = await app.request("/");
    assert.equal(root.status, 302);
    assert.equal(root.headers.get("location"), "/login");

    const page = await app.request("/login");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<label for="key">API key<\/label>/);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);

    const ok = await login(app, t.agent.rt.apiKey);
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/");
    const set = ok.headers.get("set-cookie") ?? "";
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    assert.match(set, /Path=\//);
    assert.match(set, /Max-Age=28800/);
    assert.doesNotMatch(set, /Secure/);
    const cookie = cookieOf(ok);

    const shell = await app.request("/", { headers: { cookie } });
    assert.equal(shell.status, 200);
    assert.match(await shell.text(), /<script type="module" src="\/ui\/app.js">/);
    assert.equal((await app.request("/login", { headers: { cookie } })).status, 302);

    const https = await login(app, t.agent.rt.apiKey, { "x-forwarded-proto": "https" });
    assert.match(https.headers.get("set-cookie") ?? "", /Secure/);
  } finally {
    await t.close();
  }
});

Deno.test("login: the cookie opens the API; writes need X-Requested-With (CSRF)", async () => {
  const t = await startTestAgent({ startNginx: false });
  const app = t.agent.app;
  try {
    const cookie = cookieOf(await login(app, t.agent.rt.apiKey));
    const status = await app.request("/api/config/status", { headers: { cookie } });
    assert.equal(status.status, 200);
    const bare = await app.request("/api/pools/p", {
      method: "PUT",
      headers: { cookie, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(bare.status, 403);
    assert.equal((await bare.json()).error.code, "FORBIDDEN");
    const ui = await app.request("/api/pools/p", {
      method: "PUT",
      headers: { cookie, "content-type": "application/json", "x-requested-with": "switchyard-ui" },
      body: "{}",
    });
    assert.equal(ui.status, 201);
    assert.equal((await t.api("GET", "/api/audit?entity=pool/p")).body.entries[0].actor, "ui");
  } finally {
    await t.close();
  }
});

Deno.test("login: a wrong key is refused after a delay, parallel guesses are locked out, the key is never logged", async () => {
  const t = await startTestAgent({ startNginx: false });
  const logs: string[] = [];
  const app = uiRouter({ ...t.agent.rt, log: (m: string) => logs.push(m) });
  try {
    const t0 = Date.now();
    const [first, second] = await Promise.all([
      login(app, "guess-number-one"),
      new Promise<Response>((r) => setTimeout(() => r(login(app, "guess-number-two")), 100)),
    ]);
    assert.equal(first.status, 401);
    assert.match(await first.text(), /That API key is not valid/);
    assert.ok(Date.now() - t0 >= 450, "a failed login answered without delay");
    assert.equal(second.status, 429);
    assert.match(await second.text(), /Too many failed attempts/);
    assert.equal(first.headers.get("set-cookie"), null);
    // The lock has passed once the failure was answered: the right key works.
    assert.equal((await login(app, t.agent.rt.apiKey)).status, 303);
    assert.ok(logs.some((m) => /failed login/.test(m)), logs.join("\n"));
    assert.ok(!logs.some((m) => m.includes("guess-number") || m.includes(t.agent.rt.apiKey)));
  } finally {
    await t.close();
  }
});

Deno.test("logout revokes the session, also after an agent restart; other sessions stay valid", async () => {
  const t = await startTestAgent({ startNginx: false });
  const dir = t.dir;
  let t2: typeof t | null = null;
  try {
    const app = t.agent.app;
    const gone = cookieOf(await login(app, t.agent.rt.apiKey));
    const kept = cookieOf(await login(app, t.agent.rt.apiKey));
    const out = await app.request("/logout", { method: "POST", headers: { cookie: gone } });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get("location"), "/login?m=out");
    assert.match(out.headers.get("set-cookie") ?? "", /switchyard_session=;.*Max-Age=0/);
    assert.equal(
      (await app.request("/api/config/status", { headers: { cookie: gone } })).status,
      401,
    );
    assert.equal(
      (await app.request("/api/config/status", { headers: { cookie: kept } })).status,
      200,
    );
    await t.close();

    t2 = await startTestAgent({ startNginx: false, dir });
    const app2 = t2.agent.app;
    const after = await app2.request("/api/config/status", { headers: { cookie: gone } });
    assert.equal(after.status, 401);
    const shell = await app2.request("/", { headers: { cookie: gone } });
    assert.equal(shell.status, 302);
    assert.equal(
      (await app2.request("/api/config/status", { headers: { cookie: kept } })).status,
      200,
    );
  } finally {
    await (t2 ?? t).close().catch(() => {});
  }
});

Deno.test("the UI assets are embedded: /ui/app.js is web/dist/app.js, with an ETag", async () => {
  const t = await startTestAgent({ startNginx: false });
  try {
    const js = await t.agent.app.request("/ui/app.js");
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /javascript/);
    const dist = await Deno.readTextFile(new URL("../../web/dist/app.js", import.meta.url));
    assert.equal(await js.text(), dist);
    const tag = js.headers.get("etag");
    assert.ok(tag);
    const again = await t.agent.app.request("/ui/app.js", { headers: { "if-none-match": tag } });
    assert.equal(again.status, 304);
    const css = await t.agent.app.request("/ui/style.css");
    assert.match(css.headers.get("content-type") ?? "", /text\/css/);
    assert.match(await css.text(), /\.login-box/);
  } finally {
    await t.close();
  }
});

Deno.test("login throttle: doubling delays up to a cap, forgotten after the window or a success", () => {
  let now = 0;
  const th = new LoginThrottle({ baseMs: 500, maxMs: 8000, windowMs: 60_000, now: () => now });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => th.fail("a")), [500, 1000, 2000, 4000, 8000, 8000]);
  assert.equal(th.lockedFor("a"), 8000);
  assert.equal(th.lockedFor("b"), 0);
  now += 8000;
  assert.equal(th.lockedFor("a"), 0);
  now += 60_000;
  assert.equal(th.fail("a"), 500, "failures older than the window are forgotten");
  th.succeed("a");
  assert.equal(th.lockedFor("a"), 0);
  assert.equal(th.fail("a"), 500);
});
