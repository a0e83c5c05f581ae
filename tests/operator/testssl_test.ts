// A TLS site rendered with the default settings, graded by Debian's testssl.sh
// (protocols, cipher categories, forward secrecy, vulnerabilities, HTTP headers
// for HSTS): any finding of severity MEDIUM or worse fails the test.
import assert from "node:assert/strict";
import { freePort, startTestAgent, tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

async function selfSigned(dir: string): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/tls.pem`;
  const key = `${dir}/tls.key`;
  const r = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=tls.test",
      "-addext",
      "subjectAltName=DNS:tls.test",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return { cert, key };
}

interface Finding {
  id: string;
  severity: string;
  finding: string;
}

Deno.test({
  name: "testssl.sh finds nothing MEDIUM or worse on a default TLS site, and HSTS is sent",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempDir("testssl");
    const httpsPort = freePort();
    const be = httpBackend("be");
    const t = await startTestAgent({ dir, overrides: { dev_https_port: httpsPort } });
    try {
      const { cert, key } = await selfSigned(dir);
      assert.equal(
        (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
        201,
      );
      const site = await t.api("PUT", "/api/sites/tls", {
        server_names: ["tls.test"],
        default_pool: "web",
        tls: { certificate: cert, key },
        redirect_http: true,
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      const json = `${dir}/testssl.json`;
      const started = Date.now();
      const r = await new Deno.Command("timeout", {
        args: [
          "150",
          "testssl",
          "--quiet",
          "--warnings",
          "off",
          "--color",
          "0",
          "--fast",
          "-p",
          "-s",
          "-f",
          "-U",
          "-h",
          "--jsonfile",
          json,
          "--ip",
          "127.0.0.1",
          `tls.test:${httpsPort}`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const seconds = (Date.now() - started) / 1000;
      const out = new TextDecoder().decode(r.stdout);
      assert.notEqual(r.code, 124, `testssl.sh ran over 150 s:\n${out}`);
      const findings = JSON.parse(await Deno.readTextFile(json)) as Finding[];
      // The issue grades protocols, ciphers and vulnerabilities; of the header checks
      // (-h) only HSTS is the gateway's: X-Frame-Options and the like are the app's.
      const appHeaders = /^(security_headers|banner_|cookie_|X-)/;
      const bad = findings.filter((f) =>
        ["MEDIUM", "HIGH", "CRITICAL"].includes(f.severity) && !appHeaders.test(f.id)
      );
      assert.deepEqual(
        bad.map((f) => `${f.severity} ${f.id}: ${f.finding}`),
        [],
        `testssl.sh (${seconds.toFixed(0)} s) graded the default TLS site down`,
      );
      // testssl rates CBC only LOW: the defect the issue names is checked by id.
      const byId = (id: string) => findings.find((f) => f.id === id)?.finding ?? "(missing)";
      assert.match(byId("LUCKY13"), /not vulnerable/, "LUCKY13: CBC ciphers offered");
      assert.match(byId("cipherlist_AVERAGE"), /not offered/, "cipher list AVERAGE offered");
      assert.match(byId("cipherlist_3DES_IDEA"), /not offered/);
      const low = findings.filter((f) => f.severity === "LOW" && !appHeaders.test(f.id));
      assert.deepEqual(low.map((f) => `${f.id}: ${f.finding}`), []);
      const hsts = findings.filter((f) => f.id.startsWith("HSTS"));
      assert.ok(
        hsts.some((f) => /31536000|365 days/.test(f.finding)),
        `HSTS: ${JSON.stringify(hsts)}`,
      );
      const sslv = findings.filter((f) => /^(SSLv2|SSLv3|TLS1|TLS1_1)$/.test(f.id));
      assert.ok(sslv.every((f) => /not offered/.test(f.finding)), JSON.stringify(sslv));
      console.log(`testssl.sh: ${findings.length} findings in ${seconds.toFixed(1)} s`);
    } finally {
      await t.close();
      await be.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
