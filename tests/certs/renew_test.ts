// Renewal against a real pebble: forced renewal puts a new certificate in front
// of nginx (the served serial changes); an unforced renewal of a valid
// certificate runs no certbot and reloads nothing.
import assert from "node:assert/strict";
import { rawRequest } from "../helpers/http.ts";
import { certEnv, servedSerial, siteWithCert } from "./helpers.ts";
import { acmeOf } from "../../agent/features/certs/state.ts";
import { runRenewals } from "../../agent/features/certs/renew-job.ts";

Deno.test("forced renewal: nginx serves the new certificate; unforced renewal of a valid one runs no certbot and does not reload", async () => {
  const env = await certEnv();
  try {
    await siteWithCert(env, "shop", "shop.example.com", "shop");
    const first = await env.t.api("PUT", "/api/certs/shop", { domains: ["shop.example.com"] });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const serial1 = await servedSerial(env.httpsPort, "shop.example.com");
    assert.equal(serial1, first.body.serial);
    const rt = env.t.agent.rt;
    const runs = acmeOf(rt).certbotRuns;
    const reloads = env.t.reloads();

    // Unforced: valid, not due -> kept.
    const kept = await env.t.api("POST", "/api/certs/shop/renew", {});
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.equal(kept.body.certbot_ran, false);
    assert.match(kept.body.reason, /valid until .* force_renew/);
    const job = await runRenewals(rt);
    assert.deepEqual(job.valid, ["shop"]);
    assert.deepEqual(job.renewed, []);
    assert.equal(acmeOf(rt).certbotRuns, runs, "no certbot run for a valid certificate");
    assert.equal(env.t.reloads(), reloads, "no reload when no certificate file changed");

    // Forced: a new certificate, same paths, so only a reload puts it in front.
    const forced = await env.t.api("POST", "/api/certs/shop/renew", { force: true });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.equal(forced.body.certbot_ran, true);
    assert.notEqual(forced.body.serial, serial1);
    assert.equal(forced.body.apply.reloaded, true);
    assert.equal(env.t.reloads(), reloads + 1, "one reload");
    assert.equal(await servedSerial(env.httpsPort, "shop.example.com"), forced.body.serial);
    const r = await rawRequest({
      port: env.httpsPort,
      host: "shop.example.com",
      path: "/after",
      tls: { caCerts: [await env.pebble.issuerCaPem()] },
    });
    assert.equal(r.text, "app /after");

    // The audit log has the issuance and the renewal.
    const audit = await env.t.api("GET", "/api/audit?entity=cert/shop");
    const actions = (audit.body.entries ?? audit.body.items ?? []).map((e: { action: string }) =>
      e.action
    );
    assert.ok(actions.filter((a: string) => a === "cert.issue").length >= 2, actions.join(","));
  } finally {
    await env.close();
  }
});
