// Failures: pebble down gives SSL_ISSUANCE_FAILED with certbot's message while
// the site keeps serving plain HTTP; after 3 failures within the hour the next
// attempt is refused without running certbot; health says so.
import assert from "node:assert/strict";
import { certEnv, siteWithCert } from "./helpers.ts";
import { acmeOf } from "../../agent/features/certs/state.ts";

Deno.test("pebble down: SSL_ISSUANCE_FAILED with certbot's message, the site still serves HTTP; the 4th attempt within the hour is refused without certbot", async () => {
  const env = await certEnv();
  try {
    await siteWithCert(env, "blog", "blog.example.com", "blog");
    await env.pebble.kill();
    const rt = env.t.agent.rt;

    for (let i = 1; i <= 3; i++) {
      const r = await env.t.api("PUT", "/api/certs/blog", { domains: ["blog.example.com"] });
      assert.equal(r.status, 502, JSON.stringify(r.body));
      assert.equal(r.body.error.code, "SSL_ISSUANCE_FAILED");
      assert.match(r.body.error.message, /certbot could not issue certificate "blog"/);
      // certbot's own words about the unreachable ACME server
      assert.match(
        r.body.error.detail.certbot_output,
        /Connection refused|Failed to establish|Max retries/i,
      );
      assert.equal(r.body.error.detail.failures.length, i);
      assert.equal(acmeOf(rt).certbotRuns, i);
    }
    // Still served as before: plain HTTP reaches the backend.
    const http = await env.t.viaNginx("blog.example.com", "/still");
    assert.equal(http.status, 200);
    assert.equal(http.text, "app /still");

    const refused = await env.t.api("POST", "/api/certs/blog/renew", { force: true });
    assert.equal(refused.status, 502);
    assert.equal(refused.body.error.code, "SSL_ISSUANCE_FAILED");
    assert.match(refused.body.error.message, /refused without running certbot/);
    assert.match(refused.body.error.message, /at most 3 failed attempts per hour/);
    assert.equal(refused.body.error.detail.rate_limited, true);
    assert.equal(acmeOf(rt).certbotRuns, 3, "certbot did not run");

    const view = await env.t.api("GET", "/api/certs/blog");
    assert.equal(view.body.status, "failed");
    assert.match(view.body.last_error, /Connection refused|Failed to establish|Max retries/i);
    assert.ok(view.body.next_attempt_after);
    const health = await env.t.api("GET", "/api/health");
    assert.equal(health.body.status, "degraded");
    assert.deepEqual(health.body.certificates.failed, ["blog"]);
    assert.match(
      health.body.certificates.last_errors.blog,
      /Connection refused|Failed to establish|Max retries/i,
    );
    const audit = await env.t.api("GET", "/api/audit?entity=cert/blog");
    const entries = audit.body.entries ?? audit.body.items ?? [];
    assert.ok(
      entries.some((e: { action: string; outcome: string }) =>
        e.action === "cert.issue" && e.outcome === "failed"
      ),
      JSON.stringify(
        entries.map((e: { action: string; outcome: string }) => [e.action, e.outcome]),
      ),
    );
  } finally {
    await env.close();
  }
});
