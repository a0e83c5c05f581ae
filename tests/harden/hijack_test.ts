// Issue 17 item 2: no site takes another's traffic. Claims cover every name
// nginx matches (`.base.test` = base.test + *.base.test; a wildcard against the
// exact names under it, per port); raw blocks cannot name servers; and a host no
// site names reaches no site: the agent's default server answers it.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { makeCert } from "./tls.ts";

async function twoSites(t: TestAgent, a: string, b: string) {
  for (const [n, addr] of [["a", a], ["b", b]]) {
    const p = await t.api("PUT", `/api/pools/${n}`, { members: [{ address: addr }] });
    assert.equal(p.status, 201, JSON.stringify(p.body));
  }
  const s = await t.api("PUT", "/api/sites/base", {
    server_names: ["base.test"],
    default_pool: "a",
  });
  assert.equal(s.status, 201, JSON.stringify(s.body));
}

Deno.test("dot and wildcard names cannot take an exact name's traffic, nor raw server_name", async () => {
  const A = httpBackend("A");
  const B = httpBackend("B");
  const t = await startTestAgent();
  try {
    await twoSites(t, A.address, B.address);
    const dot = await t.api("PUT", "/api/sites/evil", {
      server_names: [".base.test"],
      default_pool: "b",
    });
    assert.equal(dot.status, 409, JSON.stringify(dot.body));
    assert.equal(dot.body.error.code, "CONFLICT");
    assert.match(dot.body.error.message, /base\.test on port \d+ is already claimed by site base/);
    assert.equal(dot.body.error.detail.field, "server_names");

    const raw = await t.api("PUT", "/api/sites/evil", {
      server_names: ["evil.test"],
      default_pool: "b",
      extra_blocks: [{ zone: "top", content: "server_name base.test;" }],
    });
    assert.equal(raw.status, 400, JSON.stringify(raw.body));
    assert.equal(raw.body.error.detail.field, "extra_blocks[0].content");
    assert.match(raw.body.error.message, /"server_name" is not allowed in raw blocks/);

    // A wildcard is fine alone (nginx: *.base.test does not match base.test) ...
    const wild = await t.api("PUT", "/api/sites/wild", {
      server_names: ["*.base.test"],
      default_pool: "b",
    });
    assert.equal(wild.status, 201, JSON.stringify(wild.body));
    // ... but an exact name under it, or a dot form over it, in another site is refused.
    const under = await t.api("PUT", "/api/sites/www", {
      server_names: ["www.base.test"],
      default_pool: "a",
    });
    assert.equal(under.status, 409, JSON.stringify(under.body));
    assert.match(
      under.body.error.message,
      /www\.base\.test on port \d+ overlaps \*\.base\.test of site wild/,
    );
    const narrower = await t.api("PUT", "/api/sites/www", {
      server_names: ["*.x.base.test"],
      default_pool: "a",
    });
    assert.equal(narrower.status, 409, JSON.stringify(narrower.body));
    // An exact name first, then a wildcard over it: refused the other way round too.
    const ex = await t.api("PUT", "/api/sites/shop", {
      server_names: ["shop.other.test"],
      default_pool: "a",
    });
    assert.equal(ex.status, 201, JSON.stringify(ex.body));
    const over = await t.api("PUT", "/api/sites/over", {
      server_names: [".other.test"],
      default_pool: "b",
    });
    assert.equal(over.status, 409, JSON.stringify(over.body));
    assert.match(
      over.body.error.message,
      /\*\.other\.test on port \d+ overlaps shop\.other\.test of site shop/,
    );
    // The same site may hold both; other ports are other claims.
    const own = await t.api("PUT", "/api/sites/own", {
      server_names: ["*.own.test", "a.own.test"],
      default_pool: "a",
    });
    assert.equal(own.status, 201, JSON.stringify(own.body));

    assert.equal((await t.viaNginx("base.test", "/")).text, "A /");
    assert.equal((await t.viaNginx("x.base.test", "/")).text, "B /");
  } finally {
    await t.close();
    await A.close();
    await B.close();
  }
});

Deno.test("unknown hosts reach no site: 404 (or 444) over HTTP, no handshake over TLS", async () => {
  const A = httpBackend("A");
  const B = httpBackend("B");
  const t = await startTestAgent();
  try {
    await twoSites(t, A.address, B.address);
    const cert = await makeCert(t.dir, "b.test");
    const https = t.settings.https_port;
    const b = await t.api("PUT", "/api/sites/bsite", {
      server_names: ["b.test"],
      default_pool: "b",
      tls: { certificate: cert.certificate, key: cert.key },
      listen: [{ port: t.httpPort }, { port: https, ssl: true }],
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.equal((await t.viaNginx("b.test", "/")).text, "B /");
    const unknown = await t.viaNginx("unknown.example", "/");
    assert.equal(unknown.status, 404);
    assert.doesNotMatch(unknown.text, /^[AB] /);
    assert.equal(A.seen.length + B.seen.length, 1); // only b.test's request reached a backend

    const tls = await rawRequest({ port: https, host: "b.test", tls: { caCerts: [cert.ca] } });
    assert.equal(tls.text, "B /");
    await assert.rejects(
      rawRequest({ port: https, host: "unknown.example", tls: { caCerts: [cert.ca] } }),
      "an unknown SNI must not be answered with b.test's certificate",
    );
  } finally {
    await t.close();
    await A.close();
    await B.close();
  }
});

Deno.test("unknown_host_response 444 closes; a site named default_server keeps the socket", async () => {
  const A = httpBackend("A");
  const B = httpBackend("B");
  const t = await startTestAgent({ overrides: { unknown_host_response: "444" } });
  try {
    await twoSites(t, A.address, B.address);
    await assert.rejects(t.viaNginx("unknown.example", "/"));
    const d = await t.api("PUT", "/api/sites/fallback", {
      server_names: ["fallback.test"],
      default_pool: "b",
      listen: [{ port: t.httpPort, default_server: true }],
    });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    assert.equal((await t.viaNginx("unknown.example", "/")).text, "B /");
  } finally {
    await t.close();
    await A.close();
    await B.close();
  }
});
