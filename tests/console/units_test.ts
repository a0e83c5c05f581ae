// Pure pieces of the console: the list query (search, sort, pages), nginx's
// line mapped to a form field, the store's list snapshot (reused only until
// the next write), and the UI's cause and health-reason texts.
import assert from "node:assert/strict";
import { pageOf } from "../../agent/api/list-query.ts";
import { fieldAtLine } from "../../agent/features/console/line-field.ts";
import { Store } from "../../agent/store/store.ts";
import { ListSnapshots } from "../../agent/store/snapshots.ts";
import { causeText } from "../../web/app/pages/config.js";
import { healthReasons } from "../../web/app/pages/dashboard.js";

const q = (o: Record<string, unknown> = {}) => ({
  q: "",
  sort: "name",
  desc: false,
  page: 1,
  per_page: 50,
  ...o,
});

Deno.test("pageOf: searches every string, sorts by a field then name, cuts pages", () => {
  const items = [
    { name: "b", server_names: ["shop.test"], routes: [{ pool: "web" }] },
    { name: "a", server_names: ["blog.test"], default_pool: "api" },
    { name: "c", server_names: ["x.test"], routes: [{ upstream: "http://10.0.0.9:81" }] },
  ];
  assert.deepEqual(pageOf(items, q({ q: "web" })).items.map((x) => x.name), ["b"]);
  assert.deepEqual(pageOf(items, q({ q: "10.0.0.9" })).items.map((x) => x.name), ["c"]);
  assert.deepEqual(pageOf(items, q({ desc: true })).items.map((x) => x.name), ["c", "b", "a"]);
  assert.deepEqual(pageOf(items, q({ sort: "server_names" })).items.map((x) => x.name), [
    "a",
    "b",
    "c",
  ]);
  const p = pageOf(items, q({ per_page: 2, page: 2 }));
  assert.deepEqual([p.total, p.items.map((x) => x.name)], [3, ["c"]]);
  assert.deepEqual(pageOf(items, q({ per_page: 0 })).items, []);
});

Deno.test("fieldAtLine: extra blocks, route extras and locations, site and pool directives", () => {
  const site = {
    server_names: ["a.test"],
    routes: [{ name: "api", path: "/api/", extra: "gzip on;" }],
    extra_blocks: [{ zone: "top", content: "bad_one on;" }],
  };
  const text = [
    "server {",
    "    listen 80;",
    "    server_name a.test;",
    "    bad_one on;",
    "",
    "    # route api",
    "    location /api/ {",
    "        proxy_pass http://x;",
    "        gzip on;",
    "    }",
    "}",
  ];
  const at = (line: number) => fieldAtLine("site", site, text, line);
  assert.equal(at(2), "listen");
  assert.equal(at(3), "server_names");
  assert.equal(at(4), "extra_blocks[0].content");
  assert.equal(at(7), "routes[0].path");
  assert.equal(at(8), "routes[0]");
  assert.equal(at(9), "routes[0].extra");
  assert.equal(at(11), null);
  assert.equal(at(99), null);
  const pool = { members: [{ address: "127.0.0.1:81" }, { address: "127.0.0.1:82" }] };
  assert.equal(
    fieldAtLine("pool", pool, ["upstream p {", "    server 127.0.0.1:82 weight=1;", "}"], 2),
    "members[1].address",
  );
});

Deno.test("list snapshots: reused while nothing is written, fresh after a write", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new Store(kv);
    const lists = new ListSnapshots(store);
    const put = (name: string) =>
      store.write(() => ({
        ops: [{ type: "put", kind: "pool", name, spec: { members: [] } }],
        actor: "t",
        action: "pool.put",
      }));
    await put("a");
    const one = await lists.list("pool");
    assert.equal(one, await lists.list("pool"), "the same snapshot while nothing changed");
    await put("b");
    assert.deepEqual((await lists.list("pool")).map((r) => r.name), ["a", "b"]);
  } finally {
    kv.close();
  }
});

Deno.test("UI texts: a generation's cause, rollbacks named; degraded health lists its causes", () => {
  assert.equal(causeText({ changed: ["pool/web"], refused: [] }), "changed pool/web");
  assert.equal(causeText({ changed: ["pool/web"] }, 3), "Rollback to generation 3");
  assert.equal(
    causeText({ changed: ["a", "b", "c", "d", "e", "f"] }),
    "changed a, b, c, d and 2 more",
  );
  const reasons = healthReasons(
    {
      status: "degraded",
      nginx: { installed: true, running: true },
      certificates: { failed: ["shop"], expired: [], last_errors: { shop: { message: "no DNS" } } },
    },
    { drift: { ok: false, files: [{}] } },
  );
  assert.deepEqual(reasons.map((r: { text: string }) => r.text), [
    "certificate shop failed: no DNS",
    "1 managed file(s) drifted",
  ]);
  assert.equal(reasons[0].href, "#/certs/edit/shop");
});
