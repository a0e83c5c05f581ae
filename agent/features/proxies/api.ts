// /api/proxies: one call puts a domain in front of an upstream (proxy-manager).
import { Hono } from "hono";
import type { Context } from "hono";
import { AgentError } from "../../errors.ts";
import { PROXY_KIND, type ProxySpec, ProxySpecSchema } from "./model.ts";
import { deleteProxy, proxyNotFound, putProxy } from "./changes.ts";
import { proxyView } from "./view.ts";
import { enableProxySsl, issueProxyCertificate, SslRequestSchema } from "./ssl.ts";
import { resolveSource, syncFromRegistry } from "./sync.ts";
import type { RegistrySource } from "./registry.ts";
import { actor, changeOptions, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import type { ProxiesRuntime } from "./settings.ts";
import { listAnswer } from "../../api/list-query.ts";

/** The endpoints of this router, for /api/openapi.json. */
export const proxiesDocs = new ApiDoc();

proxiesDocs.schema("Proxy", ProxySpecSchema);
proxiesDocs.schema("ProxySsl", SslRequestSchema);
proxiesDocs.describe("/api/proxies", "get", { tag: "proxies", summary: "List proxies" });
proxiesDocs.describe("/api/proxies/{name}", "get", {
  tag: "proxies",
  summary:
    "Get a proxy: status (active when nginx serves it), ssl_enabled, url (404 PROXY_NOT_FOUND)",
});
proxiesDocs.describe("/api/proxies/{name}", "put", {
  tag: "proxies",
  summary:
    "Create (201) or update (200) a proxy: a site and a one-member pool owned by it. require_healthy: the upstream's health_path must answer 2xx first (else 503 UPSTREAM_UNHEALTHY, nothing written); enable_ssl: then issue its certificate (SSL_ISSUANCE_FAILED: still served over HTTP)",
  body: "Proxy",
});
proxiesDocs.describe("/api/proxies/{name}", "delete", {
  tag: "proxies",
  summary: "Delete a proxy, its site and its pool (404 PROXY_NOT_FOUND); its certificate is kept",
});
proxiesDocs.describe("/api/proxies/{name}/ssl", "post", {
  tag: "proxies",
  summary:
    "Enable HTTPS: issue (or keep) the proxy's certificate with ACME; force_renew re-issues a valid one",
  body: "ProxySsl",
});
proxiesDocs.describe("/api/proxies/sync-from-registry", "post", {
  tag: "proxies",
  summary:
    "Create or update proxies from a registry ({url} JSON services, {file} JSON or registry.toml; default the setting registry_url): {synced, synced_count, skipped, skipped_count}; one reload; REGISTRY_UNAVAILABLE when it cannot be read",
});

async function respond(
  rt: ProxiesRuntime,
  c: Context,
  name: string,
  created: boolean,
  apply: unknown,
) {
  const rec = await rt.store.get(PROXY_KIND, name);
  if (!rec) throw proxyNotFound(name);
  c.header("ETag", `"${rec.version}"`);
  return c.json(
    { ...proxyView(rt, rec), apply: apply ?? { status: "unchanged" } },
    created ? 201 : 200,
  );
}

export function proxiesRouter(rt: ProxiesRuntime): Hono {
  const r = new Hono();
  r.get("/", async (c) => {
    const list = await rt.lists.list(PROXY_KIND);
    return listAnswer(c, "proxies", list, (p) => proxyView(rt, p));
  });
  r.post("/sync-from-registry", async (c) => {
    const body = await jsonBody(c);
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      throw new AgentError("VALIDATION_FAILED", "(body): must be a JSON object", {
        field: "(body)",
      });
    }
    const unknown = Object.keys(body).filter((k) => k !== "url" && k !== "file");
    if (unknown.length) {
      throw new AgentError("VALIDATION_FAILED", `${unknown[0]}: unknown field (url, file)`, {
        field: unknown[0],
      });
    }
    const src = resolveSource(rt, body as RegistrySource);
    return c.json(await syncFromRegistry(rt, src, actor(c)));
  });
  r.get("/:name", async (c) => {
    const rec = await rt.store.get(PROXY_KIND, param(c, "name"));
    if (!rec) throw proxyNotFound(param(c, "name"));
    c.header("ETag", `"${rec.version}"`);
    return c.json(proxyView(rt, rec));
  });
  r.put("/:name", async (c) => {
    const name = param(c, "name");
    const o = changeOptions(c);
    const res = await putProxy(rt, name, await jsonBody(c), {
      ...o,
      healthTimeout: rt.settings.proxy_health_timeout,
    });
    const p = res.record as unknown as ProxySpec;
    if (p?.enable_ssl) {
      const cert = await issueProxyCertificate(rt, p, { actor: o.actor }).catch((e) => {
        if (e instanceof AgentError) {
          // The proxy itself was written and applied: the answer says so.
          e.detail.created = res.created;
          e.detail.apply = res.apply;
        }
        throw e;
      });
      const rec = (await rt.store.get(PROXY_KIND, name))!;
      c.header("ETag", `"${rec.version}"`);
      return c.json(
        { ...proxyView(rt, rec), apply: res.apply ?? { status: "unchanged" }, certificate: cert },
        res.created ? 201 : 200,
      );
    }
    return await respond(rt, c, name, res.created, res.apply);
  });
  r.delete("/:name", async (c) => {
    const res = await deleteProxy(rt, param(c, "name"), changeOptions(c));
    return c.json({
      deleted: true,
      name: param(c, "name"),
      apply: res.apply ?? { status: "unchanged" },
    });
  });
  r.post("/:name/ssl", async (c) => {
    const out = await enableProxySsl(rt, param(c, "name"), await jsonBody(c), actor(c));
    return c.json({
      ...out.proxy,
      apply: out.apply ?? { status: "unchanged" },
      certificate: out.certificate,
    });
  });
  return r;
}
