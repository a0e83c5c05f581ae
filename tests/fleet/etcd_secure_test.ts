// The etcd client against secured clusters: client URLs over TLS, client
// certificates required (--client-cert-auth, one member of its own), then
// etcd's own users (auth enable) with tokens that expire after 2 s
// (--auth-token-ttl), so renewal, per-member tokens and refusals run for real.
// etcd 3.4's JSON gateway refuses a client certificate once auth is enabled
// ("CommonName of client sending a request against gateway will be ignored"):
// users go with TLS alone, client certificates without users.
import assert from "node:assert/strict";
import { AgentError } from "../../agent/errors.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { tempDir } from "../helpers/agent.ts";
import { etcdSuite, type EtcdTls, startEtcdCluster } from "../helpers/etcd.ts";
import { makeEtcdCerts } from "../helpers/etcd-tls.ts";

let certs: EtcdTls & { clientCert: string; clientKey: string };
let certDir = "";
const { test, sleep } = etcdSuite(async () => {
  certs = await makeEtcdCerts(certDir = await tempDir("etcd-tls"));
  return { tls: certs, args: ["--auth-token-ttl=2"] };
});

const tlsOf = () => ({ caCert: certs.ca });
const mtlsOf = () => ({
  caCert: certs.ca,
  clientCert: certs.clientCert,
  clientKey: certs.clientKey,
});

async function etcdctl(endpoint: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("etcdctl", {
    args: [
      `--endpoints=${endpoint}`,
      `--cacert=${certs.caFile}`,
      ...args,
    ],
    env: { ETCDCTL_API: "3" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`etcdctl ${args.join(" ")}: ${text}`);
  return text;
}

async function refused(p: Promise<unknown>, match: RegExp): Promise<AgentError> {
  let got: unknown;
  await p.then(() => assert.fail("expected a refusal"), (e) => got = e);
  assert.ok(got instanceof AgentError, String(got));
  assert.equal(got.code, "SHARED_STORE_UNAVAILABLE", got.message);
  assert.match(got.message, match);
  return got;
}

test(
  "TLS: with the CA it works, without it SHARED_STORE_UNAVAILABLE; a client certificate where required",
  30_000,
  async (c) => {
    assert.ok(c.endpoints.every((e) => e.startsWith("https://127.0.0.1:")));
    const etcd = new Etcd({ endpoints: c.endpoints, ...tlsOf() });
    await etcd.put("/s1/k", "over tls");
    assert.equal((await etcd.get("/s1/k"))?.value, "over tls");
    const seen: string[] = [];
    const ctl = new AbortController();
    const watching = (async () => {
      for await (const b of etcd.watch("/s1/", { prefix: true, signal: ctl.signal })) {
        seen.push(...b.events.map((e) => e.kv.value));
        ctl.abort();
      }
    })();
    await sleep(100);
    await etcd.put("/s1/k", "watched over tls");
    await watching;
    assert.deepEqual(seen, ["watched over tls"]);
    etcd.close();
    // The system's roots do not know the test CA.
    const noCa = new Etcd({ endpoints: c.endpoints, timeoutMs: 2000 });
    await refused(noCa.get("/s1/k"), /no etcd endpoint answered/);

    const mtls = await startEtcdCluster({
      size: 1,
      tls: certs,
      args: ["--client-cert-auth", `--trusted-ca-file=${certs.caFile}`],
    });
    try {
      const withCert = new Etcd({ endpoints: mtls.endpoints, ...mtlsOf() });
      await withCert.put("/s1/m", "client certificate");
      assert.equal((await withCert.get("/s1/m"))?.value, "client certificate");
      withCert.close();
      const noCert = new Etcd({ endpoints: mtls.endpoints, ...tlsOf(), timeoutMs: 2000 });
      await refused(noCert.get("/s1/m"), /no etcd endpoint answered/);
      noCert.close();
    } finally {
      await mtls.stopAll();
    }
  },
);

test(
  "auth: a token per member, renewed when it expires; no or wrong credentials refused",
  30_000,
  async (c) => {
    const ep = c.endpoints[0];
    await etcdctl(ep, "user", "add", "root", "--new-user-password=root-pw");
    await etcdctl(ep, "user", "grant-role", "root", "root");
    await etcdctl(ep, "user", "add", "gw", "--new-user-password=gw-pw");
    await etcdctl(ep, "role", "add", "fleet");
    await etcdctl(ep, "role", "grant-permission", "fleet", "readwrite", "/switchyard/", "--prefix");
    await etcdctl(ep, "user", "grant-role", "gw", "fleet");
    await etcdctl(ep, "auth", "enable");
    try {
      const etcd = new Etcd({
        endpoints: c.endpoints,
        auth: { user: "gw", password: "gw-pw" },
        ...tlsOf(),
      });
      await etcd.put("/switchyard/s2/k", "as gw");
      // Past the token's 2 s: the client authenticates again, unseen by the caller.
      await sleep(2500);
      assert.equal((await etcd.get("/switchyard/s2/k"))?.value, "as gw");
      const lease = await etcd.lease(2);
      await etcd.put("/switchyard/s2/leased", "x", { lease: lease.id });

      // Member 0 down: member 1 does not know member 0's token and gets asked for its own.
      await c.kill(0);
      await c.leader(); // a write during the election would wait for it; not the point here
      await etcd.put("/switchyard/s2/k", "after failover");
      assert.equal((await etcd.get("/switchyard/s2/k"))?.value, "after failover");
      assert.notEqual(etcd.transport.current, ep);
      const ctl = new AbortController();
      const seen: string[] = [];
      const watching = (async () => {
        for await (const b of etcd.watch("/switchyard/s2/", { prefix: true, signal: ctl.signal })) {
          seen.push(...b.events.map((e) => e.kv.value));
          ctl.abort();
        }
      })();
      await sleep(100);
      await etcd.put("/switchyard/s2/k", "watched");
      await watching;
      assert.deepEqual(seen, ["watched"]);
      await c.restart(0);
      assert.equal(lease.isLost, false);
      await lease.revoke();

      // Outside its role's prefix, and without or with wrong credentials: refused, named.
      await refused(etcd.put("/elsewhere", "x"), /permission denied/);
      const anon = new Etcd({ endpoints: c.endpoints, ...tlsOf() });
      await refused(anon.get("/switchyard/s2/k"), /user name is empty|invalid auth token/);
      const wrong = new Etcd({
        endpoints: c.endpoints,
        auth: { user: "gw", password: "nope" },
        ...tlsOf(),
      });
      await refused(wrong.get("/switchyard/s2/k"), /refused the credentials of user "gw"/);
      for (const e of [etcd, anon, wrong]) e.close();
    } finally {
      await etcdctl(ep, "--user=root:root-pw", "auth", "disable").catch(() => {});
    }
  },
);

test.stopAtEnd();
Deno.test("remove the test certificates", async () => {
  if (certDir) await Deno.remove(certDir, { recursive: true });
});
