// Every pool and member rule: a refusal naming the field, and an accepted twin.
import assert from "node:assert/strict";
import { parseMember, parsePool } from "../../agent/kinds/pool/schema.ts";
import { accepted, refused } from "./refuse.ts";

type Body = Record<string, unknown>;
const pool = (o: Body = {}): Body => ({ members: [{ address: "10.0.0.1:80" }], ...o });
const withMember = (o: Body): Body => pool({ members: [{ address: "10.0.0.1:80", ...o }] });

Deno.test("pool names are slugs (URL and body must agree)", () => {
  for (const name of ["web", "0", "web-1", "a".repeat(63), "9-lives"]) {
    assert.equal(accepted(() => parsePool(name, pool())).name, name);
  }
  for (
    const bad of ["", "Web", "-web", "web_1", "web.1", "a".repeat(64), "w b", "w;b", "w{", "wé"]
  ) {
    refused(() => parsePool(bad, pool()), "name", /slug/);
  }
  refused(() => parsePool("web", pool({ name: "other" })), "name", /does not match/);
  accepted(() => parsePool("web", pool({ name: "web" })));
  refused(() => parsePool("web", pool({ name: "Web" })), "name", /slug/);
});

Deno.test("pool fields: lb_method, hash_key, keepalive, description, unknown fields, types", () => {
  for (const m of ["round_robin", "least_conn", "ip_hash"]) {
    accepted(() => parsePool("p", pool({ lb_method: m })));
  }
  refused(() => parsePool("p", pool({ lb_method: "random" })), "lb_method");
  refused(() => parsePool("p", pool({ lb_method: 1 })), "lb_method");

  // hash needs a key; a key needs hash; the key is variables and literals only.
  accepted(() => parsePool("p", pool({ lb_method: "hash", hash_key: "$request_uri" })));
  accepted(() =>
    parsePool("p", pool({ lb_method: "hash", hash_key: "$remote_addr:$http_x_tenant" }))
  );
  refused(() => parsePool("p", pool({ lb_method: "hash" })), "hash_key", /required/);
  refused(() => parsePool("p", pool({ hash_key: "$request_uri" })), "hash_key", /only used/);
  for (
    const key of [
      "$request_uri;",
      "$request_uri consistent",
      "a b",
      "{x}",
      '"$uri"',
      "$uri\n",
      "${uri}",
      "$Upper",
      "",
      "x".repeat(257),
    ]
  ) {
    refused(() => parsePool("p", pool({ lb_method: "hash", hash_key: key })), "hash_key");
  }
  accepted(() =>
    parsePool("p", pool({ lb_method: "hash", hash_key: "$uri", hash_consistent: true }))
  );
  refused(() => parsePool("p", pool({ hash_consistent: "yes" })), "hash_consistent");

  for (const k of [0, 1, 32, 10000]) accepted(() => parsePool("p", pool({ keepalive: k })));
  for (const k of [-1, 10001, 1.5, "32", null]) {
    refused(() => parsePool("p", pool({ keepalive: k })), "keepalive");
  }

  accepted(() => parsePool("p", pool({ description: "x".repeat(1024) })));
  refused(() => parsePool("p", pool({ description: "x".repeat(1025) })), "description");
  refused(() => parsePool("p", pool({ description: 5 })), "description");

  refused(() => parsePool("p", pool({ colour: "blue" })), "colour", /unknown field/);
  refused(() => parsePool("p", pool({ members: "10.0.0.1:80" })), "members");
  refused(() => parsePool("p", [] as unknown as Body), "(body)");
  refused(() => parsePool("p", "x" as unknown as Body), "(body)");
  const many = Array.from(
    { length: 1001 },
    (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}:80` }),
  );
  refused(() => parsePool("p", { members: many }), "members");
  accepted(() => parsePool("p", { members: many.slice(0, 1000) }));
  // Read-only record fields a client echoes back (GET then PUT) are ignored.
  accepted(() => parsePool("p", pool({ version: 3, created_at: "x", updated_at: "y" })));
});

Deno.test("member addresses: host:port, [v6]:port, unix:/path and nothing else", () => {
  for (
    const a of [
      "10.0.0.1:80",
      "backend.internal:8080",
      "Backend.Internal:8080",
      "[::1]:80",
      "[2001:db8::1]:65535",
      "unix:/run/app.sock",
      "unix:/var/run/a_b-c.d/x.sock",
    ]
  ) {
    accepted(() => parsePool("p", pool({ members: [{ address: a }] })));
  }
  for (
    const a of [
      "10.0.0.1",
      "10.0.0.1:0",
      "10.0.0.1:65536",
      "10.0.0.1:80;",
      "10.0.0.1:80 backup",
      "host name:80",
      "a;b:80",
      "{x}:80",
      "$host:80",
      "[::1]",
      "::1:80",
      "[zz::1]:80",
      "[10.0.0.1]:80",
      "-bad.example:80",
      "unix:relative.sock",
      "unix:/a b.sock",
      "unix:/a/../b.sock",
      "unix:/a;b",
      "http://10.0.0.1:80",
      "",
    ]
  ) {
    refused(() => parsePool("p", pool({ members: [{ address: a }] })), "members[0].address");
  }
  refused(() => parsePool("p", pool({ members: [{}] })), "members[0].address");
  refused(() => parsePool("p", pool({ members: [{ address: 80 }] })), "members[0].address");
});

Deno.test("member options: weight, max_fails, fail_timeout, backup, down, unknown fields", () => {
  accepted(() =>
    parsePool(
      "p",
      withMember({ weight: 1000, max_fails: 0, fail_timeout: "500ms", backup: true, down: true }),
    )
  );
  for (const w of [0, 1001, 1.5, "2"]) {
    refused(() => parsePool("p", withMember({ weight: w })), "members[0].weight");
  }
  for (const f of [-1, 1001, "3"]) {
    refused(() => parsePool("p", withMember({ max_fails: f })), "members[0].max_fails");
  }
  for (const d of ["10", "30s", "5m", "1h", "1d", "250ms"]) {
    accepted(() => parsePool("p", withMember({ fail_timeout: d })));
  }
  for (const d of ["10 s", "10sec", "-1s", "1s;", "1y", "1.5s", "", "s", "1234567s", 10]) {
    refused(() => parsePool("p", withMember({ fail_timeout: d })), "members[0].fail_timeout");
  }
  refused(() => parsePool("p", withMember({ backup: "yes" })), "members[0].backup");
  refused(() => parsePool("p", withMember({ down: 1 })), "members[0].down");
  refused(() => parsePool("p", withMember({ slow_start: "30s" })), "members[0].slow_start");
});

Deno.test("pool cross-field rules: duplicate members, backup with ip_hash and hash", () => {
  refused(
    () => parsePool("p", { members: [{ address: "10.0.0.1:80" }, { address: "10.0.0.1:80" }] }),
    "members[1].address",
    /duplicate/,
  );
  accepted(() =>
    parsePool("p", { members: [{ address: "10.0.0.1:80" }, { address: "10.0.0.1:81" }] })
  );
  const backup = {
    members: [{ address: "10.0.0.1:80" }, { address: "10.0.0.2:80", backup: true }],
  };
  accepted(() => parsePool("p", backup));
  accepted(() => parsePool("p", { ...backup, lb_method: "least_conn" }));
  refused(
    () => parsePool("p", { ...backup, lb_method: "ip_hash" }),
    "members[1].backup",
    /ip_hash/,
  );
  refused(
    () => parsePool("p", { ...backup, lb_method: "hash", hash_key: "$uri" }),
    "members[1].backup",
    /hash/,
  );
  // down members are fine with every method.
  accepted(() =>
    parsePool("p", { lb_method: "ip_hash", members: [{ address: "10.0.0.1:80", down: true }] })
  );
});

Deno.test("member endpoint: the URL address is validated and must match the body", () => {
  assert.equal(accepted(() => parseMember("10.0.0.1:80", { weight: 2 })).weight, 2);
  accepted(() => parseMember("unix:/run/a.sock", {}));
  accepted(() => parseMember("10.0.0.1:80", { address: "10.0.0.1:80" }));
  refused(() => parseMember("10.0.0.1", {}), "address");
  refused(() => parseMember("10.0.0.1:80;", {}), "address");
  refused(() => parseMember("10.0.0.1:80", { address: "10.0.0.2:80" }), "address", /match/);
  refused(() => parseMember("10.0.0.1:80", { weight: 0 }), "weight");
  refused(() => parseMember("10.0.0.1:80", { colour: 1 }), "colour", /unknown field/);
});
