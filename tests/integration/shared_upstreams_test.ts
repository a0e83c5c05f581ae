// Shared upstreams against the real nginx: two sites on identical pools answer
// through one upstream; a member change splits them (each site still reaches its
// own pool's backend) and undoing it joins them again; drift stays clean; a hand
// edit of the shared block absorbs into its pool; the state rebuilt from disk is
// the same and its next apply changes nothing.
import assert from "node:assert/strict";
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { FEATURES } from "../../agent/features/index.ts";

const SHARED = /^sy_shared_[0-9a-f]{12}$/;

/** The upstream blocks of the tree nginx serves, by the file that holds them. */
async function upstreams(t: TestAgent): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const dir = `${t.settings.nginx_dir}/current`;
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".conf")) continue;
    const text = await Deno.readTextFile(`${dir}/${e.name}`);
    const names = [...text.matchAll(/^upstream (\S+) \{/gm)].map((m) => m[1]);
    if (names.length) out[e.name] = names;
  }
  return out;
}

async function driftClean(t: TestAgent) {
  const d = (await t.api("GET", "/api/config/drift")).body;
  assert.deepEqual(d.files, [], JSON.stringify(d));
}

Deno.test("identical pools share one upstream in nginx; a member change splits them, both still answer; drift, absorb and rebuild-from-disk stay clean", async () => {
  const a = httpBackend("a");
  const b = httpBackend("b");
  let t = await startTestAgent({ features: FEATURES });
  const { dir, httpPort } = t;
  try {
    for (const p of ["p1", "p2"]) {
      const r = await t.api("PUT", `/api/pools/${p}`, { members: [{ address: a.address }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    for (const [s, p] of [["s1", "p1"], ["s2", "p2"]]) {
      const r = await t.api("PUT", `/api/sites/${s}`, {
        server_names: [`${s}.test`],
        default_pool: p,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    assert.equal((await t.viaNginx("s1.test", "/x")).text, "a /x");
    assert.equal((await t.viaNginx("s2.test", "/y")).text, "a /y");
    // One upstream block in the whole tree, in the first pool's file.
    let ups = await upstreams(t);
    assert.deepEqual(Object.keys(ups), ["pool-p1.conf"], JSON.stringify(ups));
    const shared = ups["pool-p1.conf"][0];
    assert.match(shared, SHARED);
    // What the operator sees of the second pool: the upstream that serves it, and where.
    const got = (await t.api("GET", "/api/pools/p2")).body;
    assert.deepEqual(got.upstream, { name: shared, shared_with: ["p1"], file: "pool-p1.conf" });
    const preview = (await t.api("GET", "/api/config/preview/pools/p2")).body;
    assert.match(preview, new RegExp(`served by the shared upstream ${shared} \\(in pool-p1`));
    // A GET body can be sent back as it is (the upstream field is read-only).
    assert.equal((await t.api("PUT", "/api/pools/p2", got)).status, 200);
    await driftClean(t);

    // A member change of p2 splits them: each site reaches its own pool's backend.
    const m = await t.api("PUT", "/api/pools/p2", { members: [{ address: b.address }] });
    assert.equal(m.status, 200, JSON.stringify(m.body));
    assert.equal((await t.viaNginx("s1.test", "/x")).text, "a /x");
    assert.equal((await t.viaNginx("s2.test", "/y")).text, "b /y");
    ups = await upstreams(t);
    assert.deepEqual(ups, { "pool-p1.conf": ["sy_p1"], "pool-p2.conf": ["sy_p2"] });
    assert.deepEqual((await t.api("GET", "/api/pools/p2")).body.upstream, {
      name: "sy_p2",
      shared_with: [],
      file: "pool-p2.conf",
    });
    await driftClean(t);

    // The same members again: one upstream again, the same name (it is the body's).
    await t.api("PUT", "/api/pools/p2", { members: [{ address: a.address }] });
    assert.equal((await t.viaNginx("s2.test", "/z")).text, "a /z");
    assert.deepEqual(await upstreams(t), { "pool-p1.conf": [shared] });
    await driftClean(t);

    // A hand edit of the shared block (a second member) absorbs into p1 alone: p2 keeps
    // its members and gets its own upstream; both still answer.
    const holder = `${t.settings.nginx_dir}/current/pool-p1.conf`;
    const text = await Deno.readTextFile(holder);
    await Deno.writeTextFile(
      holder,
      text.replace(`server ${a.address};`, `server ${a.address};\n    server ${b.address} backup;`),
    );
    assert.equal((await t.api("GET", "/api/config/drift")).body.files.length, 1);
    const ab = await t.api("POST", "/api/config/absorb-file", { path: "pool-p1.conf" });
    assert.equal(ab.status, 200, JSON.stringify(ab.body));
    assert.equal(ab.body.changed, true);
    const p1 = (await t.api("GET", "/api/pools/p1")).body;
    assert.deepEqual(p1.members.map((x: { address: string }) => x.address), [a.address, b.address]);
    assert.equal((await t.api("GET", "/api/pools/p2")).body.members.length, 1);
    assert.deepEqual(await upstreams(t), { "pool-p1.conf": ["sy_p1"], "pool-p2.conf": ["sy_p2"] });
    assert.equal((await t.viaNginx("s1.test", "/x")).text, "a /x");
    assert.equal((await t.viaNginx("s2.test", "/y")).text, "a /y");
    await driftClean(t);

    // Shared again (p1 back to one member), then the state is lost and rebuilt from disk.
    await t.api("PUT", "/api/pools/p1", { members: [{ address: a.address }] });
    assert.deepEqual(await upstreams(t), { "pool-p1.conf": [shared] });
    const want = {
      pools: (await t.api("GET", "/api/pools")).body.pools,
      sites: (await t.api("GET", "/api/sites")).body.sites,
    };
    await t.close();
    await Deno.remove(`${dir}/data/agent.kv`);
    t = await startTestAgent({ features: FEATURES, dir, httpPort });
    const rb = await t.api("POST", "/api/config/rebuild-from-disk?force=true");
    assert.equal(rb.status, 200, JSON.stringify(rb.body));
    assert.deepEqual(rb.body.hand_edits, []);
    assert.deepEqual(rb.body.unreadable, []);
    assert.deepEqual(rb.body.next_apply, [], "the rebuilt state renders what nginx serves");
    assert.deepEqual((await t.api("GET", "/api/pools")).body.pools, want.pools);
    assert.deepEqual((await t.api("GET", "/api/sites")).body.sites, want.sites);
    assert.equal((await t.viaNginx("s1.test", "/x")).text, "a /x");
    assert.equal((await t.viaNginx("s2.test", "/y")).text, "a /y");
    await driftClean(t);
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});
