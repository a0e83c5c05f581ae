// nginx's messages mapped back to the entity whose file they point at.
import assert from "node:assert/strict";
import type { Manifest } from "./generations.ts";
import { mapNginxError, relabelCandidate } from "./error-map.ts";

const dir = "/srv/nginx/generations/.tmp-ab12cd34";
const manifest: Manifest = {
  generation: 0,
  created_at: "2026-01-01T00:00:00Z",
  config_hash: "h",
  files: {
    "site-shop.conf": { sha256: "x", entity: { kind: "site", name: "shop" } },
    "00-switchyard.conf": { sha256: "y" },
  },
  entities: {},
  cause: {},
};

Deno.test("an [emerg] in a candidate file names its entity, file and line", () => {
  const out = "nginx: [warn] something harmless\n" +
    `nginx: [emerg] invalid number of arguments in "proxy_buffers" directive in ${dir}/site-shop.conf:12\n` +
    "nginx: configuration file /tmp/x/nginx.conf test failed";
  assert.deepEqual(mapNginxError(out, dir, manifest), {
    message:
      '[emerg] invalid number of arguments in "proxy_buffers" directive in site-shop.conf:12',
    file: "site-shop.conf",
    line: 12,
    entity: { kind: "site", name: "shop" },
  });
});

Deno.test("timestamps and pids are dropped; a file of no entity or outside the candidate has no entity", () => {
  const logged =
    `2026/11/22 22:41:49 [emerg] 4961#4961: unknown directive "x" in ${dir}/00-switchyard.conf:3`;
  assert.deepEqual(mapNginxError(logged, `${dir}/`, manifest), {
    message: '[emerg] unknown directive "x" in 00-switchyard.conf:3',
    file: "00-switchyard.conf",
    line: 3,
    entity: undefined,
  });
  const outside = 'nginx: [emerg] unknown directive "y" in /etc/nginx/nginx.conf:40';
  assert.deepEqual(mapNginxError(outside, dir, manifest), {
    message: '[emerg] unknown directive "y" in /etc/nginx/nginx.conf:40',
    file: "/etc/nginx/nginx.conf",
    line: 40,
  });
});

Deno.test("a message without a file is kept whole; the first serious line counts", () => {
  const out =
    "nginx: [warn] a warning\nnginx: [emerg] could not build server_names_hash, you should " +
    "increase server_names_hash_bucket_size: 128\nnginx: [emerg] second";
  assert.deepEqual(mapNginxError(out, dir, manifest), {
    message: "[emerg] could not build server_names_hash, you should increase " +
      "server_names_hash_bucket_size: 128",
  });
  assert.deepEqual(mapNginxError("plain failure", dir, manifest), { message: "plain failure" });
});

Deno.test("relabelCandidate shows candidate files as (candidate)/name", () => {
  assert.equal(
    relabelCandidate(`[emerg] x in ${dir}/site-shop.conf:1 and ${dir}/pool-a.conf:2`, `${dir}/`),
    "[emerg] x in (candidate)/site-shop.conf:1 and (candidate)/pool-a.conf:2",
  );
});
