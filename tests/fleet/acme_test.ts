// ACME across a fleet: real 3-member etcd, real pebble, real certbot, three
// agents each with its own nginx. Pebble validates HTTP-01 against the nginx
// of gw-b, which is NOT the controller: the certificate can only be issued if
// the controller's hook distributed the token to gw-b. The certificate then
// reaches every node (same serial served by all three nginx), and etcd never
// holds the private key in clear.
import assert from "node:assert/strict";
import { freePort, type TestAgent } from "../helpers/agent.ts";
import { startPebble } from "../helpers/pebble.ts";
import { httpBackend } from "../helpers/backends.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode, serves } from "./helpers.ts";
import { servedSerial } from "../certs/helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { generateSecret, isSealed } from "../../agent/store/secrets.ts";
import { rawRequest } from "../helpers/http.ts";

const { test, until } = etcdSuite();

const repo = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
// certbot's hooks run this checkout's agent (a compiled agent runs itself).
const agentCommand =
  `${Deno.execPath()} run -A --no-check --config ${repo}/deno.json ${repo}/main.ts`;

async function fingerprint(port: number, host: string): Promise<string> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      `openssl s_client -connect 127.0.0.1:${port} -servername ${host} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`,
    ],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

test(
  "the controller issues; HTTP-01 answered by another node; every node serves the certificate",
  110_000,
  async (c) => {
    const portA = freePort();
    const portB = freePort();
    const pebble = await startPebble({ httpPort: portB }); // the CA only reaches gw-b
    const backend = httpBackend("app");
    const secret = generateSecret();
    const etcd = new Etcd({ endpoints: c.endpoints });
    const keys = fleetKeys("acme");
    const nodes: TestAgent[] = [];
    const node = async (name: string, httpPort: number) => {
      const t = await fleetNode(c.endpoints, "acme", name, {
        httpPort,
        overrides: {
          acme_directory_url: pebble.directoryUrl,
          acme_ca_bundle: pebble.caBundlePath,
          acme_hook_command: agentCommand,
          acme_challenge_timeout: 6,
          cert_renew_interval: 0,
          secret,
        },
      });
      nodes.push(t);
      return t;
    };
    try {
      const a = await node("gw-a", portA);
      await until(
        "gw-a leads",
        20_000,
        async () => (await a.api("GET", "/api/fleet")).body.controller === "gw-a",
      );
      const b = await node("gw-b", portB);
      await node("gw-c", freePort());
      assert.equal((await b.api("GET", "/api/fleet")).body.controller, "gw-a");
      // Renewal runs on the controller only.
      const jobs = (await b.api("GET", "/api/scheduler")).body.jobs;
      assert.equal(
        jobs.find((j: { name: string }) => j.name === "certificates").once_per_fleet,
        true,
      );

      assert.equal(
        (await b.api("PUT", "/api/pools/web", { members: [{ address: backend.address }] })).status,
        201,
      );
      const site = await b.api("PUT", "/api/sites/web", {
        server_names: ["web.fleet.test"],
        default_pool: "web",
        tls: { cert: "web" },
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      for (const t of nodes) {
        await until(
          `${t.settings.node_name} serves HTTP`,
          20_000,
          () => serves(t, "web.fleet.test", "app"),
        );
      }

      // A PUT on gw-b is accepted and issued by the controller: 202, not done yet.
      const t0 = performance.now();
      const put = await b.api("PUT", "/api/certs/web", { domains: ["web.fleet.test"] });
      assert.equal(put.status, 202, JSON.stringify(put.body));
      assert.equal(put.body.accepted, true);
      assert.equal(put.body.certbot_ran, false);
      assert.equal(put.body.issuer_node, "gw-a");
      assert.equal(put.body.status, "pending");

      const https = (t: TestAgent) => t.settings.dev_https_port as number;
      for (const t of nodes) {
        await until(`${t.settings.node_name} serves HTTPS`, 60_000, async () => {
          const g = await t.api("GET", "/api/certs/web");
          if (g.body.status === "failed") throw new Error(`issuance failed: ${g.body.last_error}`);
          return g.body.status === "active" &&
            (await servedSerial(https(t), "web.fleet.test").catch(() => "")) === g.body.serial;
        });
      }
      const fleetMs = performance.now() - t0;
      const got = await b.api("GET", "/api/certs/web");
      assert.equal(got.body.last_error, undefined);
      assert.match(got.body.issuer, /Pebble/);
      const serials = await Promise.all(nodes.map((t) => servedSerial(https(t), "web.fleet.test")));
      assert.deepEqual(serials, nodes.map(() => got.body.serial), "served by all three");
      const prints = await Promise.all(nodes.map((t) => fingerprint(https(t), "web.fleet.test")));
      assert.match(prints[0], /Fingerprint=/);
      assert.deepEqual(prints, nodes.map(() => prints[0]));
      // A real TLS request through gw-b, verified against pebble's root.
      const root = await pebble.issuerCaPem();
      const tls = await rawRequest({
        port: https(b),
        host: "web.fleet.test",
        path: "/x",
        tls: { caCerts: [root] },
      });
      assert.equal(tls.status, 200);
      assert.equal(tls.text, "app /x");

      // The artifact: the certificate in clear, its key sealed; no PEM private key anywhere.
      const art = JSON.parse((await etcd.get(keys.artifact("web")))!.value);
      assert.match(art.fullchain, /BEGIN CERTIFICATE/);
      assert.ok(isSealed(art.privkey), art.privkey.slice(0, 20));
      assert.equal(art.serial, got.body.serial);
      assert.equal(art.issued_by, "gw-a");
      const all = await etcd.rangeAll(keys.prefix);
      assert.ok(!all.kvs.some((kv) => /PRIVATE KEY/.test(kv.value)), "a private key in clear");
      // Cleanup ran: no challenge, no ack, no request left; the token files are gone.
      for (const p of ["acme/"]) {
        await until(
          "challenges cleaned up",
          10_000,
          async () => (await etcd.range(keys.prefix + p, { prefix: true })).kvs.length === 0,
        );
      }
      for (const t of nodes) {
        const dir = `${t.settings.acme_webroot}/.well-known/acme-challenge`;
        await until(
          "token files removed",
          10_000,
          () => Promise.resolve([...Deno.readDirSync(dir)].length === 0),
        );
      }

      // A forced renewal asked on gw-b: the controller renews, every node reloads onto it.
      const t2 = performance.now();
      const renew = await b.api("POST", "/api/certs/web/renew", { force: true });
      assert.equal(renew.status, 202, JSON.stringify(renew.body));
      assert.equal(renew.body.issuer_node, "gw-a");
      for (const t of nodes) {
        await until(
          `${t.settings.node_name} serves the renewed certificate`,
          60_000,
          async () =>
            ![got.body.serial, ""].includes(
              await servedSerial(https(t), "web.fleet.test").catch(() => ""),
            ),
        );
      }
      const renewMs = performance.now() - t2;
      const renewed = await Promise.all(nodes.map((t) => servedSerial(https(t), "web.fleet.test")));
      assert.deepEqual(renewed, nodes.map(() => renewed[0]));
      assert.equal((await a.api("GET", "/api/certs/web")).body.serial, renewed[0]);
      assert.equal(JSON.parse((await etcd.get(keys.artifact("web")))!.value).serial, renewed[0]);

      // On the controller a PUT issues itself (as on a single host): 201 once served.
      const t1 = performance.now();
      const site2 = await a.api("PUT", "/api/sites/api", {
        server_names: ["api.fleet.test"],
        default_pool: "web",
        tls: { cert: "api" },
      });
      assert.equal(site2.status, 201, JSON.stringify(site2.body));
      const put2 = await a.api("PUT", "/api/certs/api", { domains: ["api.fleet.test"] });
      assert.equal(put2.status, 201, JSON.stringify(put2.body));
      assert.equal(put2.body.certbot_ran, true);
      const onA = performance.now() - t1;
      assert.equal(await servedSerial(https(a), "api.fleet.test"), put2.body.serial);
      for (const t of nodes) {
        await until(
          `${t.settings.node_name} serves api`,
          30_000,
          async () =>
            (await servedSerial(https(t), "api.fleet.test").catch(() => "")) === put2.body.serial,
        );
      }
      const ms = (x: number) => `${Math.round(x)} ms`;
      console.log(
        `fleet issue: PUT on gw-b -> served by all three ${ms(fleetMs)}; forced renewal asked on ` +
          `gw-b -> served by all three ${ms(renewMs)}; ` +
          `PUT on the controller ${ms(onA)}, on every node ${ms(performance.now() - t1)}`,
      );

      // gw-b goes down (still registered): the hook waits for it, names it, and the CA
      // (which only reaches gw-b) fails: the answer and last_error say which node.
      await b.close();
      nodes.splice(nodes.indexOf(b), 1);
      const site3 = await a.api("PUT", "/api/sites/down", {
        server_names: ["down.fleet.test"],
        default_pool: "web",
      });
      assert.equal(site3.status, 201, JSON.stringify(site3.body));
      const t3 = performance.now();
      const failed = await a.api("PUT", "/api/certs/down", { domains: ["down.fleet.test"] });
      assert.equal(failed.status, 502, JSON.stringify(failed.body));
      assert.equal(failed.body.error.code, "SSL_ISSUANCE_FAILED");
      assert.match(
        failed.body.error.message,
        /publish-challenge: challenge for down\.fleet\.test not on every node within 6 s: gw-b \(no status/,
      );
      assert.ok(performance.now() - t3 >= 5500);
      const shown = await a.api("GET", "/api/certs/down");
      assert.equal(shown.body.status, "failed");
      assert.match(shown.body.last_error, /gw-b \(no status/);
    } finally {
      etcd.close();
      for (const t of nodes) await t.close().catch(() => {});
      await pebble.stop();
      await backend.close();
    }
  },
);

test.stopAtEnd();
