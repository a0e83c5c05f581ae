// rebuild-db is complete for certificates: with the state file gone, the cert
// record comes back (from its sidecar, and from certbot's files when no sidecar
// holds it), and the certificate keeps being served.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { certEnv, servedSerial, siteWithCert } from "./helpers.ts";
import { certRebuildSource } from "../../agent/features/certs/rebuild-source.ts";

Deno.test("KV deleted: rebuild-db recovers the cert record; the certbot source alone rebuilds it from the certificate's names", async () => {
  const env = await certEnv();
  let t2: Awaited<ReturnType<typeof startTestAgent>> | null = null;
  try {
    await siteWithCert(env, "api", "api.example.com", "api");
    const put = await env.t.api("PUT", "/api/certs/api", {
      domains: ["api.example.com", "www.api.example.com"],
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));

    // The source alone (no sidecar found): domains from the SANs, state from the file.
    const got = await certRebuildSource.collect(env.t.agent.rt, new Map());
    assert.equal(got.records.length, 1);
    assert.equal(got.records[0].kind, "cert");
    assert.equal(got.records[0].record.name, "api");
    assert.deepEqual(
      [...(got.records[0].record.domains as string[])].sort(),
      ["api.example.com", "www.api.example.com"],
    );
    assert.equal(got.records[0].record.status, "active");

    const settings = env.t.settings;
    await env.t.agent.close();
    for (const f of ["agent.kv", "agent.kv-wal", "agent.kv-shm"]) {
      await Deno.remove(`${settings.data_dir}/${f}`).catch(() => {});
    }
    t2 = await startTestAgent({
      dir: env.t.dir,
      httpPort: env.t.httpPort,
      overrides: {
        dev_https_port: env.httpsPort,
        acme_directory_url: env.pebble.directoryUrl,
        acme_ca_bundle: env.pebble.caBundlePath,
      },
    });
    assert.equal((await t2.api("GET", "/api/certs/api")).status, 404);
    const r = await t2.api("POST", "/api/config/rebuild-from-disk?force=true");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.kinds.cert.names, ["api"]);
    const cert = await t2.api("GET", "/api/certs/api");
    assert.equal(cert.status, 200);
    assert.equal(cert.body.serial, put.body.serial);
    assert.deepEqual(cert.body.sites, ["api"]);
    assert.equal(await servedSerial(env.httpsPort, "api.example.com"), put.body.serial);
  } finally {
    await t2?.close();
    await env.close();
  }
});
