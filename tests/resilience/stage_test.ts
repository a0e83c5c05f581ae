// Staging writes only what changed: a new generation is a manifest naming
// stored texts, of which only the new ones are written; the live tree nginx
// reads is written only where it changed; a hand edit of a live file alters no
// backup and does not survive into the next tree.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";

const ino = (p: string) => Deno.statSync(p).ino;

Deno.test("a generation stores only its new texts; backups survive hand edits of the live tree", async () => {
  const be = httpBackend("be");
  const t = await startTestAgent();
  try {
    const g = t.agent.rt.generations;
    await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] });
    for (const name of ["a", "b"]) {
      const r = await t.api("PUT", `/api/sites/${name}`, {
        server_names: [`${name}.test`],
        default_pool: "web",
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const n1 = (await g.current())!;
    assert.match(await Deno.readLink(g.currentLink), /^live\/\d{6}$/);
    const live = `${t.settings.nginx_dir}/current`;
    const sha = async (n: number, f: string) => (await g.manifest(n)).files[f].sha256;
    // The live tree is its own copy: not a link of the backup's text.
    assert.notEqual(ino(`${live}/site-a.conf`), ino(g.texts.pathOf(await sha(n1, "site-a.conf"))));

    const r = await t.api("PUT", "/api/sites/b", {
      server_names: ["b2.test"],
      default_pool: "web",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const n2 = (await g.current())!;
    assert.equal(n2, n1 + 1);
    // A generation is its manifest; unchanged files are the same stored text, changed ones new.
    assert.deepEqual([...Deno.readDirSync(g.pathOf(n2))].map((e) => e.name), ["manifest.json"]);
    assert.equal(await sha(n2, "site-a.conf"), await sha(n1, "site-a.conf"));
    assert.notEqual(await sha(n2, "site-b.conf"), await sha(n1, "site-b.conf"));
    const [r1, r2] = [await g.reader(n1), await g.reader(n2)];
    assert.match(await r1("site-b.conf"), /b\.test/);
    assert.match(await r2("site-b.conf"), /b2\.test/);

    // A hand edit of the live file: no backup changes, and the next apply writes it again.
    const before1 = await r1("site-a.conf");
    await Deno.writeTextFile(`${live}/site-a.conf`, "\n# hand edit\n", { append: true });
    assert.equal(await r1("site-a.conf"), before1);
    assert.equal(await r2("site-a.conf"), before1);
    const drift = await t.api("GET", "/api/config/drift");
    assert.ok(
      drift.body.files.some((f: { file: string }) => f.file === "site-a.conf"),
      JSON.stringify(drift.body),
    );
    // Two more applies: the tree the edit was made in becomes the spare, then live again.
    for (const host of ["b3.test", "b4.test"]) {
      const x = await t.api("PUT", "/api/sites/b", { server_names: [host], default_pool: "web" });
      assert.equal(x.status, 200, JSON.stringify(x.body));
    }
    assert.equal(await Deno.readTextFile(`${live}/site-a.conf`), before1);
    assert.match(await Deno.readTextFile(`${live}/site-b.conf`), /b4\.test/);
    assert.equal((await t.viaNginx("b4.test", "/x")).text, "be /x");
    // At most the live tree and the one before it (the spare) stay.
    assert.ok([...Deno.readDirSync(`${t.settings.nginx_dir}/live`)].length <= 2);
  } finally {
    await t.close();
    await be.close();
    await Deno.remove(t.dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("a swap to a generation without a live tree writes it from the backup; a tree from before live/ upgrades", async () => {
  const { Generations } = await import("../../agent/nginx/generations.ts");
  const dir = await Deno.makeTempDir();
  try {
    const g = new Generations(dir);
    await g.init();
    const write = async (text: string) => {
      const files = [{ name: "site-a.conf", text, entity: { kind: "site", name: "a" } }];
      const staged = await g.stage(files, new Map(), text, {});
      const n = await g.commit(staged);
      await g.swap(n);
      return n;
    };
    const n1 = await write("# one\n");
    // A tree written before live trees existed: `current` points at the generation itself.
    await Deno.remove(g.currentLink);
    await Deno.symlink(`generations/${String(n1).padStart(6, "0")}`, g.currentLink);
    await Deno.remove(`${dir}/live`, { recursive: true });
    const fresh = new Generations(dir);
    await fresh.init();
    assert.equal(await fresh.current(), n1);
    const staged = await fresh.stage(
      [{ name: "site-a.conf", text: "# two\n", entity: { kind: "site", name: "a" } }],
      new Map(),
      "two",
      {},
    );
    const n2 = await fresh.commit(staged);
    await fresh.swap(n2);
    assert.match(await Deno.readLink(fresh.currentLink), /^live\/\d{6}$/);
    assert.equal(await Deno.readTextFile(`${fresh.currentLink}/site-a.conf`), "# two\n");
    // Back to n1, which has no live tree: written from its backup, manifest included.
    await fresh.swap(n1);
    assert.equal(await Deno.readTextFile(`${fresh.currentLink}/site-a.conf`), "# one\n");
    const m = JSON.parse(await Deno.readTextFile(`${fresh.currentLink}/manifest.json`));
    assert.equal(m.generation, n1);
    assert.equal(await fresh.current(), n1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
