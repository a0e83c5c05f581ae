// proxy-manager's own URLs, for clients and scripts that already call them:
// /proxies/... and /proxy-manager/{health,sync-from-registry}. They run the same
// code as /api/proxies (forwarded in-process, behind the same auth) and answer
// with the seed's field names: droplet_name, skipped names, a "healthy" status
// with HTTP 500 when unhealthy, nginx.last_reload_timestamp.
import { Hono } from "hono";
import type { Context } from "hono";
import { proxiesRouter } from "./api.ts";
import { healthRouter } from "../../api/health.ts";
import type { HealthSection } from "../../host.ts";
import { ApiDoc } from "../../api/openapi.ts";
import type { Runtime } from "../../runtime.ts";
import type { ProxiesRuntime } from "./settings.ts";

/** The compatibility paths, listed in /api/openapi.json under the tag proxy-manager. */
export const compatDocs = new ApiDoc();
const tag = "proxy-manager";
const same = (m: string, p: string) => `proxy-manager's ${m} ${p}: same as ${m} /api${p}`;
compatDocs.describe("/proxies", "get", {
  tag,
  summary: "proxy-manager's GET /proxies: the proxies as a JSON array, each with droplet_name",
});
compatDocs.describe("/proxies/{droplet_name}", "get", {
  tag,
  summary: same("GET", "/proxies/{name}"),
});
compatDocs.describe("/proxies/{droplet_name}", "put", {
  tag,
  summary: same("PUT", "/proxies/{name}") +
    " (domain, upstream_host, upstream_port, require_healthy, enable_ssl)",
  body: "Proxy",
});
compatDocs.describe("/proxies/{droplet_name}", "delete", {
  tag,
  summary: same("DELETE", "/proxies/{name}"),
});
compatDocs.describe("/proxies/{droplet_name}/ssl", "post", {
  tag,
  summary: same("POST", "/proxies/{name}/ssl") + " (email, force_renew)",
  body: "ProxySsl",
});
compatDocs.describe("/proxy-manager/health", "get", {
  tag,
  summary:
    'proxy-manager\'s health: {"status": "healthy"|"unhealthy", "nginx": {present, config_test_ok, last_reload_timestamp, version}, "ssl": {...}}; HTTP 500 when unhealthy',
});
compatDocs.describe("/proxy-manager/sync-from-registry", "get", {
  tag,
  summary:
    "proxy-manager's registry sync (the registry_url setting): {synced, synced_count, skipped, skipped_count} with droplet names",
});

type Json = Record<string, unknown>;

function seedProxy(p: Json): Json {
  return { droplet_name: p.name, ...p };
}

/** Runs the /api/proxies router in-process; its errors reach the app's one error shape. */
function forwarder(rt: ProxiesRuntime) {
  const inner = proxiesRouter(rt);
  inner.onError((e) => {
    throw e;
  });
  return async (
    c: Context,
    path: string,
    as?: { method: string; body: string },
  ): Promise<{ status: number; body: Json }> => {
    const headers = new Headers({ "content-type": "application/json" });
    const who = c.req.header("x-agent-actor");
    if (who) headers.set("x-agent-actor", who);
    const ifMatch = c.req.header("if-match");
    if (ifMatch) headers.set("if-match", ifMatch);
    const method = as?.method ?? c.req.method;
    const r = await inner.request(path, {
      method,
      headers,
      body: as?.body ?? (method === "GET" || method === "DELETE" ? undefined : await c.req.text()),
    });
    const etag = r.headers.get("etag");
    if (etag) c.header("ETag", etag);
    return { status: r.status, body: await r.json() as Json };
  };
}

export function proxiesCompatRouter(rt: ProxiesRuntime): Hono {
  const r = new Hono();
  const fwd = forwarder(rt);
  const name = (c: Context) => `/${encodeURIComponent(c.req.param("name") ?? "")}`;
  r.get("/", async (c) => {
    const res = await fwd(c, "/");
    return c.json((res.body.proxies as Json[]).map(seedProxy));
  });
  for (const m of ["get", "put", "delete"] as const) {
    r[m]("/:name", async (c) => {
      const res = await fwd(c, name(c));
      const body = res.body.deleted ? { droplet_name: res.body.name, ...res.body } : seedProxy(
        res.body,
      );
      return c.json(body, res.status as 200);
    });
  }
  r.post("/:name/ssl", async (c) => {
    const res = await fwd(c, `${name(c)}/ssl`);
    return c.json(seedProxy(res.body), res.status as 200);
  });
  return r;
}

export function proxyManagerRouter(
  rt: ProxiesRuntime,
  sections: () => readonly HealthSection[],
): Hono {
  const r = new Hono();
  const fwd = forwarder(rt);
  r.get("/health", async (c) => {
    const h = await (await healthRouter(rt as Runtime, sections()).request("/")).json() as Json;
    const nginx = h.nginx as Json;
    const healthy = h.status === "ok" && nginx.config_test_ok !== false;
    return c.json({
      status: healthy ? "healthy" : "unhealthy",
      nginx: {
        present: nginx.present,
        running: nginx.running,
        config_test_ok: nginx.config_test_ok,
        last_reload_timestamp: nginx.last_reload_at ?? null,
        version: nginx.version,
      },
      ssl: h.certificates ?? {},
      proxies: h.proxies ?? {},
      version: h.version,
    }, healthy ? 200 : 500);
  });
  r.get("/sync-from-registry", async (c) => {
    // The seed's GET runs our POST with the default source (registry_url).
    const res = await fwd(c, "/sync-from-registry", { method: "POST", body: "{}" });
    const b = res.body;
    const skipped = (b.skipped as { name: string; reason: string }[]) ?? [];
    return c.json({
      ...b,
      skipped: skipped.map((s) => s.name),
      skipped_count: b.skipped_count,
      skipped_reasons: Object.fromEntries(skipped.map((s) => [s.name, s.reason])),
    }, res.status as 200);
  });
  return r;
}
