// The complete proxy-manager workflow against a real pebble (ACME), certbot and
// nginx: create proxy -> enable SSL -> verify traffic over TLS; renewal; and a
// dead ACME server leaving the proxy serving over HTTP.
import assert from "node:assert/strict";
import { rawRequest } from "../helpers/http.ts";
import { certEnv, servedSerial } from "../certs/helpers.ts";

Deno.test("workflow: create proxy, enable SSL, TLS through nginx reaches the upstream, HTTP redirects; forced renewal serves a new serial; ACME down keeps the old certificate", async () => {
  const env = await certEnv({ overrides: { proxy_health_timeout: 2 } });
  const { t } = env;
  try {
    const create = await t.api("PUT", "/api/proxies/orchestrator", {
      domain: "orchestrator.example.com",
      upstream_host: "127.0.0.1",
      upstream_port: env.backend.port,
      require_healthy: true,
      enable_ssl: false,
    });
    assert.equal(create.status, 201, JSON.stringify(create.body));
    assert.equal(create.body.ssl_enabled, false);
    assert.equal((await t.viaNginx("orchestrator.example.com", "/a")).text, "app /a");

    const ssl = await t.api("POST", "/api/proxies/orchestrator/ssl", {
      email: "admin@example.com",
    });
    assert.equal(ssl.status, 200, JSON.stringify(ssl.body));
    assert.equal(ssl.body.enable_ssl, true);
    assert.equal(ssl.body.ssl_enabled, true);
    assert.equal(ssl.body.status, "active");
    assert.equal(ssl.body.url, `https://orchestrator.example.com:${env.httpsPort}/`);
    assert.equal(ssl.body.certificate.status, "active");
    assert.deepEqual(ssl.body.certificate.domains, ["orchestrator.example.com"]);
    assert.match(ssl.body.certificate.issuer, /Pebble/);

    // Verify traffic: TLS through nginx, trusting pebble's issuing root.
    const root = await env.pebble.issuerCaPem();
    const tls = await rawRequest({
      port: env.httpsPort,
      host: "orchestrator.example.com",
      path: "/orchestrator/health",
      tls: { caCerts: [root] },
    });
    assert.equal(tls.status, 200);
    assert.equal(tls.text, "ok");
    assert.equal(env.backend.seen.at(-1)!.headers.get("x-forwarded-proto"), "https");
    const http = await t.viaNginx("orchestrator.example.com", "/x?y=1");
    assert.equal(http.status, 301);
    assert.equal(
      http.headers.get("location"),
      `https://orchestrator.example.com:${env.httpsPort}/x?y=1`,
    );
    const serial = await servedSerial(env.httpsPort, "orchestrator.example.com");
    assert.equal(serial, ssl.body.certificate.serial);

    // An update is verified over HTTPS now (the plain port only redirects).
    const upd = await t.api("PUT", "/api/proxies/orchestrator", {
      ...ssl.body,
      description: "the orchestrator",
    });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.equal(upd.body.apply.status, "applied");
    assert.equal(upd.body.certificate.certbot_ran, false, "a valid certificate is kept");

    // force_renew: a new certificate, served by nginx.
    const renew = await t.api("POST", "/api/proxies/orchestrator/ssl", { force_renew: true });
    assert.equal(renew.status, 200, JSON.stringify(renew.body));
    assert.notEqual(renew.body.certificate.serial, serial);
    assert.equal(
      await servedSerial(env.httpsPort, "orchestrator.example.com"),
      renew.body.certificate.serial,
    );

    // ACME server down: SSL_ISSUANCE_FAILED, the proxy keeps its certificate and traffic.
    await env.pebble.stop();
    const failed = await t.api("POST", "/api/proxies/orchestrator/ssl", { force_renew: true });
    assert.equal(failed.status, 502, JSON.stringify(failed.body));
    assert.equal(failed.body.error.code, "SSL_ISSUANCE_FAILED");
    assert.equal(failed.body.error.detail.serving, "https");
    assert.match(failed.body.error.message, /keeps serving HTTPS with the certificate it had/);
    const still = await rawRequest({
      port: env.httpsPort,
      host: "orchestrator.example.com",
      path: "/still",
      tls: { caCerts: [root] },
    });
    assert.equal(still.text, "app /still");
  } finally {
    await env.close();
  }
});

Deno.test("enable_ssl on PUT with the ACME server down: SSL_ISSUANCE_FAILED says so, and the proxy serves over HTTP", async () => {
  const env = await certEnv({ overrides: { proxy_health_timeout: 2 } });
  const { t } = env;
  try {
    await env.pebble.stop();
    const r = await t.api("PUT", "/api/proxies/shop", {
      domain: "shop.example.com",
      upstream_host: "127.0.0.1",
      upstream_port: env.backend.port,
      enable_ssl: true,
      email: "ops@example.com",
    });
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "SSL_ISSUANCE_FAILED");
    assert.equal(r.body.error.detail.serving, "http");
    assert.equal(r.body.error.detail.created, true);
    assert.equal(r.body.error.detail.proxy.url, `http://shop.example.com:${t.httpPort}/`);
    assert.match(r.body.error.message, /keeps serving plain HTTP/);

    const page = await t.viaNginx("shop.example.com", "/cart");
    assert.equal(page.status, 200);
    assert.equal(page.text, "app /cart");
    const got = await t.api("GET", "/api/proxies/shop");
    assert.equal(got.body.status, "active");
    assert.equal(got.body.enable_ssl, true);
    assert.equal(got.body.ssl_enabled, false);
    const health = await t.api("GET", "/api/health");
    assert.ok(
      health.body.certificates.failed.length >= 1,
      JSON.stringify(health.body.certificates),
    );
  } finally {
    await env.close();
  }
});
