// `agent apply FILE`: 500 entities in one reload, each answering through nginx;
// one bad site is refused alone (exit 2, named by file:line and path) while the
// rest applies; --prune deletes exactly what the plan listed.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { startCliAgent } from "./helpers.ts";

const N = 250; // 250 pools + 250 sites = 500 entities
const id = (i: number) => String(i).padStart(3, "0");

function file(
  addr: string,
  opts: { skip?: Set<number>; bad?: number; describe?: Set<number> } = {},
) {
  const out = [`[vars]\nbackend = "${addr}"\n`];
  for (let i = 1; i <= N; i++) {
    if (opts.skip?.has(i)) continue;
    out.push(`[pools.p${id(i)}]\n[[pools.p${id(i)}.members]]\naddress = "\${backend}"\n`);
  }
  for (let i = 1; i <= N; i++) {
    if (opts.skip?.has(i)) continue;
    out.push(
      `[sites.s${id(i)}]\nserver_names = ["s${id(i)}.test"]\ndefault_pool = "p${id(i)}"\n` +
        (opts.describe?.has(i) ? `description = "v2"\n` : "") +
        (opts.bad === i
          ? `\n[[sites.s${id(i)}.extra_blocks]]\nzone = "top"\ncontent = "gzip maybe;"\n`
          : ""),
    );
  }
  return out.join("\n");
}

Deno.test("apply: 500 entities in one reload; one bad site refused alone with exit 2; --prune deletes exactly the plan's list", async () => {
  const be = httpBackend("be");
  const a = await startCliAgent({ overrides: { coalesce_ms: 50 } });
  try {
    const path = `${a.dir}/gateway.toml`;
    await Deno.writeTextFile(path, file(be.address));
    const before = a.reloads();
    const t0 = performance.now();
    const r = await a.cli(["apply", path]);
    const ms = Math.round(performance.now() - t0);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /applied: 500 applied, 0 deleted, 0 unchanged, 0 refused/);
    assert.equal(a.reloads() - before, 1, "one reload for 500 entities");
    console.log(`apply of 500 entities: ${ms} ms, ${a.reloads() - before} reload`);
    for (let i = 1; i <= N; i++) {
      const res = await a.viaNginx(`s${id(i)}.test`, "/x");
      assert.equal(res.text, "be /x", `s${id(i)}`);
    }
    const audit = (await a.api("GET", "/api/audit?limit=5")).body;
    assert.ok(JSON.stringify(audit).includes("declarative.apply"), "audited as declarative.apply");

    // one bad site among ten changed ones: the nine apply, the bad one is named and refused
    await Deno.writeTextFile(
      path,
      file(be.address, { bad: 7, describe: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) }),
    );
    const bad = await a.cli(["apply", path]);
    assert.equal(bad.code, 2, bad.out + bad.err);
    assert.match(bad.err, /gateway\.toml:\d+: sites\.s007: NGINX_TEST_FAILED: .*gzip/);
    assert.match(bad.out, /refused: 9 applied, 0 deleted, 490 unchanged, 1 refused/);
    assert.equal((await a.api("GET", "/api/sites/s001")).body.description, "v2");
    assert.equal(
      (await a.api("GET", "/api/sites/s007")).body.description,
      "",
      "put back as served",
    );
    assert.equal((await a.viaNginx("s007.test", "/still")).text, "be /still");

    // --prune: ten sites and their pools leave the file
    const gone = new Set([241, 242, 243, 244, 245, 246, 247, 248, 249, 250]);
    await Deno.writeTextFile(
      path,
      file(be.address, { skip: gone, describe: new Set([1, 2, 3, 4, 5, 6, 8, 9, 10]) }),
    );
    const plain = await a.cli(["plan", path, "--json"]);
    assert.equal(JSON.parse(plain.out).changes.length, 0, "without --prune nothing is deleted");
    const plan = await a.cli(["plan", path, "--prune", "--json"]);
    assert.equal(plan.code, 0, plan.err);
    const listed = (JSON.parse(plan.out).changes as { id: string; action: string }[])
      .filter((c) => c.action === "delete").map((c) => c.id).sort();
    const want = [...gone].flatMap((i) => [`pool/p${id(i)}`, `site/s${id(i)}`]).sort();
    assert.deepEqual(listed, want);
    const pruned = await a.cli(["apply", path, "--prune", "--json"]);
    assert.equal(pruned.code, 0, pruned.err);
    assert.deepEqual(JSON.parse(pruned.out).deleted, want, "deleted exactly what the plan listed");
    assert.equal((await a.api("GET", "/api/sites")).body.sites.length, N - gone.size);
    assert.equal((await a.api("GET", "/api/pools")).body.pools.length, N - gone.size);
    const served = [...Deno.readDirSync(`${a.settings.nginx_dir}/current`)].map((e) => e.name);
    assert.ok(served.some((f) => f.includes("s240")), served.join(" "));
    assert.ok(
      !served.some((f) => /s24[1-9]|s250|p250/.test(f)),
      "pruned files are gone from nginx",
    );
    assert.equal((await a.viaNginx("s240.test", "/z")).text, "be /z");
  } finally {
    await a.close();
    await be.close();
  }
});

Deno.test("apply: a schema error refuses that entity alone, --only narrows, unchanged file is a no-op", async () => {
  const be = httpBackend("be");
  const a = await startCliAgent();
  try {
    const path = `${a.dir}/g.yaml`;
    await Deno.writeTextFile(
      path,
      `pools:\n  web:\n    members:\n      - address: ${be.address}\nsites:\n  good:\n    server_names: [good.test]\n    default_pool: web\n  other:\n    server_names: [other.test]\n    default_pool: web\n  bad:\n    server_names: [bad.test]\n    routes:\n      - name: a\n        path: no-slash\n        pool: web\n`,
    );
    const only = await a.cli(["apply", path, "--only", "pool/web", "--only", "site/good"]);
    assert.equal(only.code, 0, only.err);
    assert.match(only.out, /applied: 2 applied/);
    assert.equal(
      (await a.api("GET", "/api/sites/other")).status,
      404,
      "--only left the rest alone",
    );
    const r = await a.cli(["apply", path]);
    assert.equal(r.code, 2);
    assert.match(r.err, /g\.yaml:16: sites\.bad\.routes\[0\]\.path: VALIDATION_FAILED/);
    assert.match(r.out, /refused: 1 applied, 0 deleted, 2 unchanged, 1 refused/);
    assert.equal((await a.viaNginx("other.test", "/o")).text, "be /o");
    const reloads = a.reloads();
    const again = await a.cli(["apply", path]);
    assert.match(again.out, /1 refused/);
    assert.equal(a.reloads(), reloads, "nothing changed: no reload");
  } finally {
    await a.close();
    await be.close();
  }
});
