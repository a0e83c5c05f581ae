// A live tree that stops being live is checked for hand edits in the background
// (live-tree.ts `swapped`); the apply that reuses it as its spare trusts the
// check only while no directory of it changed. Each case edits the tree the way
// an operator might and expects the next tree to hold exactly what the agent
// rendered.
import assert from "node:assert/strict";
import { LiveTrees, type TreeFile } from "../../agent/nginx/live-tree.ts";
import { sha256, statKey } from "../../agent/nginx/file-keys.ts";

const files = (v: string): TreeFile[] =>
  ["site-a.conf", "site-b.conf", "snippets/x.conf"].map((name) => {
    const text = `# ${name} ${name === "site-b.conf" ? v : "same"}\n`;
    return { name, sha: sha256(text), text };
  });

/** live/1 (the spare to be), live/2 current; returns the trees and the spare's path. */
async function twoTrees(dir: string): Promise<[LiveTrees, string]> {
  const t = trees(dir);
  await t.init();
  await t.build(1, files("v1"), "{}", []);
  await t.build(2, files("v2"), "{}", [1]);
  t.swapped(2, 1);
  return [t, t.pathOf(1)];
}

/** The trees of the running test: their background work ends before the directory goes. */
const made: LiveTrees[] = [];
const trees = (dir: string) => {
  const t = new LiveTrees(dir);
  made.push(t);
  return t;
};

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sy-spare-" });
  try {
    await fn(dir);
  } finally {
    await Promise.all(made.splice(0).map((t) => t.settled()));
    await Deno.remove(dir, { recursive: true });
  }
}

const withSite = (v: string, extra: string[]): TreeFile[] => [
  ...files(v),
  ...extra.map((name) => {
    const text = `# ${name} ${v}\n`;
    return { name, sha: sha256(text), text };
  }),
];

/** live/1 with files("v1"), then live/2 with `extra` added (nothing swapped yet). */
async function builtTwo(dir: string, extra: string[]): Promise<LiveTrees> {
  const t = trees(dir);
  await t.init();
  await t.build(1, files("v1"), "{}", []);
  await t.build(2, withSite("v2", extra), "{}", [1]);
  return t;
}

async function expectExact(t: LiveTrees, n: number) {
  const p = t.pathOf(n);
  for (const f of files("v3")) assert.equal(await Deno.readTextFile(`${p}/${f.name}`), f.text);
  const names = [...Deno.readDirSync(p)].map((e) => e.name).sort();
  assert.deepEqual(names, ["manifest.json", "site-a.conf", "site-b.conf", "snippets"]);
}

Deno.test("a spare edited in place while it was live: its check finds it, the next tree is rewritten there", async () => {
  await withDir(async (dir) => {
    // Edited before the swap, while it was live: after it, the edit raced the check.
    const t = await builtTwo(dir, []);
    await Deno.writeTextFile(`${t.pathOf(1)}/site-a.conf`, "# hand edit\n", { append: true });
    t.swapped(2, 1);
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("a spare written by rename after its check: its directory changed, every file is looked at again", async () => {
  await withDir(async (dir) => {
    const [t, spare] = await twoTrees(dir);
    await t.settled(); // the check is done
    await Deno.writeTextFile(`${spare}/.edit`, "# hand edit\n");
    await Deno.rename(`${spare}/.edit`, `${spare}/site-a.conf`);
    await Deno.writeTextFile(`${spare}/snippets/added.conf`, "# added by hand\n");
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
    assert.deepEqual([...Deno.readDirSync(`${t.pathOf(3)}/snippets`)].map((e) => e.name), [
      "x.conf",
    ]);
  });
});

Deno.test("a spare file removed by hand after its check: written again", async () => {
  await withDir(async (dir) => {
    const [t, spare] = await twoTrees(dir);
    await t.settled();
    await Deno.remove(`${spare}/site-a.conf`);
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("a tree live again (a swap back) is not trusted from a check made before", async () => {
  await withDir(async (dir) => {
    const [t, spare] = await twoTrees(dir);
    await t.settled();
    t.swapped(1, 2); // back on 1: it is live, its check is void
    await Deno.writeTextFile(`${spare}/site-a.conf`, "# hand edit while live\n", { append: true });
    t.swapped(2, 1); // and forward again: a new check sees the edit
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("no reload since the swap (nginx down): the spare is not caught up, it stays generation 1's tree", async () => {
  await withDir(async (dir) => {
    const t = await builtTwo(dir, ["site-c.conf"]);
    t.swapped(2, 1); // no reloaded(): nginx did not load tree 2
    await t.settled();
    assert.equal(await t.exists(1), true);
    assert.equal(await Deno.readTextFile(`${t.pathOf(1)}/site-b.conf`), "# site-b.conf v1\n");
    await assert.rejects(Deno.stat(`${t.pathOf(1)}/site-c.conf`), Deno.errors.NotFound);
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("once nginx reloaded, the spare takes the live tree's new files: the next build writes only its own", async () => {
  await withDir(async (dir) => {
    const t = await builtTwo(dir, ["site-c.conf", "sub/site-d.conf"]);
    t.swapped(2, 1);
    t.reloaded();
    await t.settled();
    const spare = t.pathOf(1);
    // the spare holds tree 2's files now, and is generation 1's tree no more
    assert.equal(await Deno.readTextFile(`${spare}/site-c.conf`), "# site-c.conf v2\n");
    assert.equal(await Deno.readTextFile(`${spare}/site-b.conf`), "# site-b.conf v2\n");
    assert.equal(await t.exists(1), false, "a swap to generation 1 builds it again");
    const before = statKey(`${spare}/sub/site-d.conf`);
    // tree 3 drops site-c and adds site-e: built from the caught-up spare
    await t.build(3, withSite("v2", ["sub/site-d.conf", "site-e.conf"]), "{}", [2]);
    const p = t.pathOf(3);
    assert.equal(statKey(`${p}/sub/site-d.conf`), before, "not written again");
    assert.deepEqual([...Deno.readDirSync(p)].map((e) => e.name).sort(), [
      "manifest.json",
      "site-a.conf",
      "site-b.conf",
      "site-e.conf",
      "snippets",
      "sub",
    ]);
    assert.equal(await Deno.readTextFile(`${p}/site-e.conf`), "# site-e.conf v2\n");
  });
});

Deno.test("a reload that failed (swapped back): the tree that was live stays as its build wrote it", async () => {
  await withDir(async (dir) => {
    const t = await builtTwo(dir, ["site-c.conf"]);
    t.swapped(2, 1);
    t.swapped(1, 2); // nginx refused tree 2: back on 1
    t.reloaded();
    await t.settled();
    assert.equal(await Deno.readTextFile(`${t.pathOf(1)}/site-b.conf`), "# site-b.conf v1\n");
    assert.equal(await t.exists(1), true);
    assert.equal(await t.exists(2), true, "the refused tree keeps its files and manifest");
    assert.equal(await Deno.readTextFile(`${t.pathOf(2)}/site-c.conf`), "# site-c.conf v2\n");
  });
});
