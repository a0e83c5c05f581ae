// The backups' stored texts (agent/nginx/backup-texts.ts): a text stays while a
// kept generation names it, goes with the last one that does, a refused
// candidate's texts go at the next prune, a start removes texts no generation
// names, and a generation in the older layout (its files in its own directory)
// is still read and swapped to.
import assert from "node:assert/strict";
import { Generations } from "../../agent/nginx/generations.ts";
import type { RenderedFile } from "../../agent/render/tree.ts";

const site = (text: string): RenderedFile[] => [
  { name: "site-a.conf", text, entity: { kind: "site", name: "a" } },
  { name: "00-switchyard.conf", text: "# http level\n" },
];

async function withGenerations(fn: (g: Generations, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sy-texts-" });
  try {
    const g = new Generations(dir);
    await g.init();
    await fn(g, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function apply(g: Generations, text: string): Promise<number> {
  const n = await g.commit(await g.stage(site(text), new Map(), text, {}));
  await g.swap(n);
  return n;
}

const stored = (g: Generations) =>
  [...Deno.readDirSync(g.texts.dir)].flatMap((d) =>
    [...Deno.readDirSync(`${g.texts.dir}/${d.name}`)].map((f) => f.name)
  ).sort();

const shaOf = async (g: Generations, n: number) =>
  (await g.manifest(n)).files["site-a.conf"].sha256;

Deno.test("a stored text goes with the last generation that names it; shared ones stay", async () => {
  await withGenerations(async (g) => {
    const n1 = await apply(g, "# one\n");
    const n2 = await apply(g, "# two\n");
    const n3 = await apply(g, "# three\n");
    const http = (await g.manifest(n1)).files["00-switchyard.conf"].sha256;
    assert.equal(stored(g).filter((s) => s === http).length, 1, "one copy of a shared text");
    const one = await shaOf(g, n1);
    assert.ok(stored(g).includes(one));
    assert.deepEqual(await g.prune(0, 0, [n3, n2]), [n1]);
    assert.ok(!stored(g).includes(one), "only generation 1 named it");
    assert.ok(stored(g).includes(http), "generations 2 and 3 still name it");
    assert.equal(await (await g.reader(n2))("site-a.conf"), "# two\n");
  });
});

Deno.test("a refused candidate's texts go at the next prune; a start removes texts no generation names", async () => {
  await withGenerations(async (g, dir) => {
    const n1 = await apply(g, "# one\n");
    const before = stored(g);
    const refused = await g.stage(site("# refused\n"), new Map(), "x", {});
    await g.tree(refused);
    await g.discard(refused.path);
    assert.equal(stored(g).length, before.length + 1, "its new text was stored");
    await g.prune(10, 0, [n1]);
    assert.deepEqual(stored(g), before);
    // A crash between a text's write and its generation: the next start removes it.
    await g.stage(site("# crashed\n"), new Map(), "y", {});
    assert.equal(stored(g).length, before.length + 1);
    await new Generations(dir).init();
    assert.deepEqual(stored(g), before);
    assert.equal(await (await g.reader(n1))("site-a.conf"), "# one\n");
  });
});

Deno.test("a generation of the older layout (its files in its directory) is read, swapped to and pruned", async () => {
  await withGenerations(async (g, dir) => {
    const n1 = await apply(g, "# one\n");
    // Rewrite generation 1 as an older agent wrote it: every file in generations/000001.
    const m = await g.manifest(n1);
    for (const name of ["site-a.conf", "00-switchyard.conf"]) {
      await Deno.writeTextFile(`${g.pathOf(n1)}/${name}`, await (await g.reader(n1))(name));
    }
    await Deno.remove(g.texts.dir, { recursive: true });
    const old = new Generations(dir); // a new process
    await old.init();
    assert.equal(await (await old.reader(n1))("site-a.conf"), "# one\n");
    const n2 = await apply(old, "# two\n");
    await old.swap(n1);
    assert.equal(await Deno.readTextFile(`${old.currentLink}/site-a.conf`), "# one\n");
    assert.equal(
      JSON.parse(await Deno.readTextFile(`${old.currentLink}/manifest.json`)).config_hash,
      m.config_hash,
    );
    await old.swap(n2);
    assert.deepEqual(await old.prune(0, 0, [n2]), [n1]);
    assert.deepEqual(await old.numbers(), [n2]);
    assert.equal(await (await old.reader(n2))("site-a.conf"), "# two\n");
  });
});
