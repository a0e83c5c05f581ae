// S3 through the real nginx: a bucket promoted to another nanio pool is served
// by that pool for every S3 call a client makes (object and bucket level,
// multipart), signed by real clients (rclone and the agent's own) and verified
// by the SigV4 shim, on a non-default port.
import assert from "node:assert/strict";
import { rclone, storageSetup } from "./helpers.ts";

Deno.test("a routed bucket through nginx: PUT, GET, HEAD, ListObjectsV2, HeadBucket, DeleteObjects and a multipart upload reach its pool, signatures verify", async () => {
  const s = await storageSetup(2);
  const [hot, cold] = s.direct;
  try {
    await hot.createBucket("media");
    await cold.createBucket("media");
    await hot.createBucket("plain");
    const sync = await s.t.api("POST", "/api/sites/s3/buckets/sync");
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    assert.deepEqual(sync.body.added, ["media", "plain"]);
    const p = await s.t.api("POST", "/api/sites/s3/buckets/media/promote", { pool: "cold" });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.apply.status, "applied");
    assert.equal(p.body.routed_pool, "cold");

    // The rendered site: two locations per bucket, the port kept in Host, streaming bodies.
    const conf = await Deno.readTextFile(`${s.t.settings.nginx_dir}/current/site-s3.conf`);
    assert.match(conf, /location = \/media \{/);
    assert.match(conf, /location \^~ \/media\/ \{/);
    assert.match(conf, /proxy_set_header Host \$http_host;/);
    assert.doesNotMatch(conf, /Host \$host;/);
    assert.doesNotMatch(conf, /rewrite/);
    for (
      const d of ["client_max_body_size 0;", "proxy_request_buffering off;", "proxy_buffering off;"]
    ) {
      assert.ok(conf.includes(d), d);
    }

    const gw = s.gateway;
    // object level, agent's client through nginx
    await gw.putObject("media", "dir/a.txt", "alpha");
    assert.equal(
      await (await cold.getObject("media", "dir/a.txt")).text(),
      "alpha",
      "landed on cold",
    );
    assert.equal((await hot.listAll("media")).length, 0, "nothing on the default pool");
    assert.equal(await (await gw.getObject("media", "dir/a.txt")).text(), "alpha");
    const head = await gw.request("HEAD", "/media/dir/a.txt");
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "5");
    // bucket level (D1: one `location /media/` would answer these with a 301)
    assert.equal(await gw.headBucket("media"), true);
    await gw.putObject("media", "b.txt", "beta");
    const listed = await gw.listObjects("media");
    assert.deepEqual(listed.objects.map((o) => o.key), ["b.txt", "dir/a.txt"]);
    const del = await gw.deleteObjects("media", ["b.txt"]);
    assert.equal(del.deleted, 1);
    assert.deepEqual((await cold.listAll("media")).map((o) => o.key), ["dir/a.txt"]);
    // an unrouted bucket is served by the default pool
    await gw.putObject("plain", "p.txt", "on hot");
    assert.equal(await (await hot.getObject("plain", "p.txt")).text(), "on hot");

    // rclone 1.60: copy, listing, cat, a multipart upload (8 MiB in 5 MiB parts), delete
    const ep = `http://127.0.0.1:${s.t.httpPort}`;
    const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-rc-" });
    try {
      const big = new Uint8Array(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
      await Deno.writeFile(`${dir}/big.bin`, big);
      await Deno.writeTextFile(`${dir}/small.txt`, "small");
      let r = await rclone(ep, [
        "copyto",
        `${dir}/big.bin`,
        "gw:media/big.bin",
        "--s3-upload-cutoff",
        "5M",
        "--s3-chunk-size",
        "5M",
      ]);
      assert.equal(r.code, 0, r.err);
      r = await rclone(ep, ["copyto", `${dir}/small.txt`, "gw:media/small.txt"]);
      assert.equal(r.code, 0, r.err);
      r = await rclone(ep, ["lsjson", "-R", "--files-only", "gw:media"]);
      assert.equal(r.code, 0, r.err);
      const files = JSON.parse(r.out).map((f: { Path: string; Size: number }) =>
        `${f.Path}:${f.Size}`
      ).sort();
      assert.deepEqual(files, ["big.bin:8388608", "dir/a.txt:5", "small.txt:5"]);
      r = await rclone(ep, ["cat", "gw:media/small.txt"]);
      assert.equal(r.out, "small");
      const onCold = await cold.listAll("media");
      assert.equal(
        onCold.find((o) => o.key === "big.bin")?.size,
        8388608,
        "multipart completed on cold",
      );
      const parts = s.servers[1].requests.filter((q) =>
        /^PUT \/media\/big\.bin\?.*uploadId=/.test(q)
      );
      assert.equal(parts.length, 2, "uploaded in two parts, through nginx to cold");
      assert.ok(s.servers[1].requests.some((q) => /^POST \/media\/big\.bin\?uploads/.test(q)));
      r = await rclone(ep, ["deletefile", "gw:media/small.txt"]);
      assert.equal(r.code, 0, r.err);
      assert.ok(!(await cold.listAll("media")).some((o) => o.key === "small.txt"));
      assert.deepEqual(s.servers.flatMap((x) => x.rejected), [], "every signature verified");
      // a wrong secret is refused by the pool, as real nanio would
      r = await rclone(ep, ["lsjson", "gw:media"], "not-the-secret");
      assert.notEqual(r.code, 0);
      assert.match(r.err, /SignatureDoesNotMatch|403/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    assert.ok(s.servers.flatMap((x) => x.rejected).length >= 1);
    assert.ok(s.servers[1].accepted > 10);
  } finally {
    await s.close();
  }
});
