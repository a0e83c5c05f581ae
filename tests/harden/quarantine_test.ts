// Issue 17 item 4: a served site's certificate file disappearing blocked every
// later change ("nginx -t fails even without the pending changes"), broke nginx's
// cold boot, and /api/health said ok. Now the site is quarantined: served without
// its TLS server, reported degraded with the path, everything else applies, and
// it comes back when the file does.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { makeCert } from "./tls.ts";

async function diskPassesNginxT(t: TestAgent) {
  const r = await new Deno.Command("nginx", {
    args: ["-p", t.settings.nginx_prefix, "-c", t.settings.nginx_conf, "-t"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { ok: r.success, output: new TextDecoder().decode(r.stderr) };
}

async function until(what: string, fn: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

Deno.test("a missing key quarantines its site: the rest applies, health says so, it comes back", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent({ overrides: { quarantine_interval: 1 } });
  try {
    await t.agent.startJobs();
    const cert = await makeCert(t.dir, "tls.test");
    const https = t.settings.https_port;
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const s = await t.api("PUT", "/api/sites/tls", {
      server_names: ["tls.test"],
      default_pool: "web",
      tls: { certificate: cert.certificate, key: cert.key },
      listen: [{ port: t.httpPort }, { port: https, ssl: true }],
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    const viaTls = () =>
      rawRequest({ port: https, host: "tls.test", path: "/s", tls: { caCerts: [cert.ca] } });
    assert.equal((await viaTls()).text, "be /s");

    const key = await Deno.readTextFile(cert.key);
    await Deno.remove(cert.key);
    // Every later change still applies.
    const other = await t.api("PUT", "/api/sites/other", {
      server_names: ["other.test"],
      default_pool: "web",
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    assert.equal((await t.viaNginx("other.test", "/o")).text, "be /o");
    assert.equal((await t.viaNginx("tls.test", "/p")).text, "be /p", "plain HTTP still serves it");
    // Health names the site and the path.
    const h = (await t.api("GET", "/api/health")).body;
    assert.equal(h.status, "degraded");
    assert.deepEqual(h.sites_degraded, [{
      site: "tls",
      status: "degraded: certificate missing",
      paths: [cert.key],
    }]);
    // What is on disk boots: nginx -t of the current generation passes without the key.
    assert.ok((await diskPassesNginxT(t)).ok, (await diskPassesNginxT(t)).output);

    // The file comes back: the job re-renders and TLS serves again.
    await Deno.writeTextFile(cert.key, key, { mode: 0o600 });
    await until("TLS to come back", async () => (await viaTls()).text === "be /s");
    assert.equal((await t.api("GET", "/api/health")).body.status, "ok");
  } finally {
    await t.close();
    await be.close();
  }
});

Deno.test("quarantine without changes: the job takes the missing file out of what is on disk", async () => {
  const t = await startTestAgent({ overrides: { quarantine_interval: 1 } });
  try {
    await t.agent.startJobs();
    const cert = await makeCert(t.dir, "solo.test");
    const s = await t.api("PUT", "/api/sites/solo", {
      server_names: ["solo.test"],
      tls: { certificate: cert.certificate, key: cert.key },
      listen: [{ port: t.settings.https_port, ssl: true }],
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    await Deno.remove(cert.certificate);
    // Without any change, the generation nginx would cold-boot from stops naming the file.
    await until("the on-disk config to boot again", async () => (await diskPassesNginxT(t)).ok);
  } finally {
    await t.close();
  }
});
