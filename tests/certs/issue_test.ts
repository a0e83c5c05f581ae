// Issuance from a real pebble through certbot (webroot) and real nginx.
import { CERT_FILES } from "../../agent/runtime.ts";
import assert from "node:assert/strict";
import { rawRequest } from "../helpers/http.ts";
import { certEnv, servedSerial, siteWithCert } from "./helpers.ts";
import { ensureCertificate } from "../../agent/features/certs/issue.ts";

Deno.test("a site with tls.cert gets HTTPS from pebble; plain HTTP redirects except the challenge path", async () => {
  const env = await certEnv();
  try {
    await siteWithCert(env, "web", "web.example.com", "web");
    // Before issuance the site serves plain HTTP.
    const before = await env.t.viaNginx("web.example.com", "/hello");
    assert.deepEqual(before.status, 200);
    assert.deepEqual(before.text, "app /hello");

    const put = await env.t.api("PUT", "/api/certs/web", { domains: ["web.example.com"] });
    assert.deepEqual(put.status, 201, JSON.stringify(put.body));
    assert.deepEqual(put.body.status, "active");
    assert.deepEqual(put.body.certbot_ran, true);
    assert.deepEqual(put.body.sites, ["web"]);
    assert.deepEqual(put.body.file_domains, ["web.example.com"]);
    assert.match(put.body.issuer, /Pebble/);

    const root = await env.pebble.issuerCaPem();
    const tls = await rawRequest({
      port: env.httpsPort,
      host: "web.example.com",
      path: "/secure",
      tls: { caCerts: [root] },
    });
    assert.deepEqual(tls.status, 200);
    assert.deepEqual(tls.text, "app /secure");
    assert.deepEqual(await servedSerial(env.httpsPort, "web.example.com"), put.body.serial);

    const http = await env.t.viaNginx("web.example.com", "/secure?x=1");
    assert.deepEqual(http.status, 301);
    assert.deepEqual(
      http.headers.get("location"),
      `https://web.example.com:${env.httpsPort}/secure?x=1`,
    );
    // The challenge path is still answered over HTTP (from the webroot).
    await Deno.writeTextFile(
      `${env.t.settings.acme_webroot}/.well-known/acme-challenge/probe`,
      "token",
    );
    const probe = await env.t.viaNginx("web.example.com", "/.well-known/acme-challenge/probe");
    assert.deepEqual(probe.status, 200);
    assert.deepEqual(probe.text, "token");

    // GET and list read the file; health counts it.
    const got = await env.t.api("GET", "/api/certs/web");
    assert.deepEqual(got.body.serial, put.body.serial);
    assert.ok(Date.parse(got.body.not_after) > Date.now());
    const list = await env.t.api("GET", "/api/certs");
    assert.deepEqual(list.body.certs.map((c: { name: string }) => c.name), ["web"]);
    const health = await env.t.api("GET", "/api/health");
    assert.deepEqual(health.body.certificates.count, 1);
    assert.deepEqual(health.body.certificates.failed, []);

    const doc = await env.t.api("GET", "/api/openapi.json");
    assert.ok(doc.body.paths["/api/certs/{name}"].put);
    assert.ok(doc.body.paths["/api/certs/{name}/renew"].post);
    assert.ok(doc.body.components.schemas.Certificate);

    // If-Match with a stale version: 412, nothing written, no certbot.
    const stale = await env.t.api("PUT", "/api/certs/web", {
      domains: ["web.example.com", "www.example.com"],
    }, { "If-Match": String(put.body.version + 5) });
    assert.deepEqual(stale.status, 412, JSON.stringify(stale.body));
    assert.deepEqual(stale.body.error.code, "PRECONDITION_FAILED");
    assert.deepEqual((await env.t.api("GET", "/api/certs/web")).body.domains, ["web.example.com"]);

    // The same PUT again (at the current version) keeps the valid certificate: no certbot, 200.
    const again = await env.t.api("PUT", "/api/certs/web", { domains: ["web.example.com"] }, {
      "If-Match": String(put.body.version),
    });
    assert.deepEqual(again.status, 200);
    assert.deepEqual(again.body.certbot_ran, false);
    assert.deepEqual(again.body.serial, put.body.serial);
  } finally {
    await env.close();
  }
});

Deno.test("ensureCertificate for a name no site serves yet is answered by the challenge server", async () => {
  const env = await certEnv();
  try {
    const v = await ensureCertificate(env.t.agent.rt, {
      name: "spare",
      domains: ["spare.example.com"],
      email: "ops@example.com",
      actor: "test",
    });
    assert.deepEqual(v.status, "active");
    assert.deepEqual(v.email, "ops@example.com");
    assert.deepEqual(v.sites, []);
    assert.ok(env.t.agent.rt.tryUse(CERT_FILES)?.("spare"));
  } finally {
    await env.close();
  }
});
