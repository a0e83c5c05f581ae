// A live tree that stops being live is checked for hand edits in the background
// (live-tree.ts `swapped`, started once nginx reloaded); the apply that reuses it as its spare trusts the
// check only while no directory of it changed. Each case edits the tree the way
// an operator might and expects the next tree to hold exactly what the agent
// rendered.
import assert from "node:assert/strict";
import { LiveTrees, type TreeFile } from "../../agent/nginx/live-tree.ts";
import { sha256 } from "../../agent/nginx/file-keys.ts";

const files = (v: string): TreeFile[] =>
  ["site-a.conf", "site-b.conf", "snippets/x.conf"].map((name) => {
    const text = `# ${name} ${name === "site-b.conf" ? v : "same"}\n`;
    return { name, sha: sha256(text), text: () => text };
  });

/** live/1 (the spare to be), live/2 current; returns the trees and the spare's path. */
async function twoTrees(dir: string): Promise<[LiveTrees, string]> {
  const t = new LiveTrees(dir);
  await t.init();
  await t.build(1, files("v1"), "{}", []);
  await t.build(2, files("v2"), "{}", [1]);
  t.swapped(2, 1);
  t.startChecks(); // as the round does once nginx reloaded
  return [t, t.pathOf(1)];
}

const settle = () => new Promise((r) => setTimeout(r, 50));

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sy-spare-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function expectExact(t: LiveTrees, n: number) {
  const p = t.pathOf(n);
  for (const f of files("v3")) assert.equal(await Deno.readTextFile(`${p}/${f.name}`), f.text());
  const names = [...Deno.readDirSync(p)].map((e) => e.name).sort();
  assert.deepEqual(names, ["manifest.json", "site-a.conf", "site-b.conf", "snippets"]);
}

Deno.test("a spare edited in place while it was live: its check finds it, the next tree is rewritten there", async () => {
  await withDir(async (dir) => {
    const [t, spare] = await twoTrees(dir);
    await Deno.writeTextFile(`${spare}/site-a.conf`, "# hand edit\n", { append: true });
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("a spare written by rename after its check: its directory changed, every file is looked at again", async () => {
  await withDir(async (dir) => {
    const [t, spare] = await twoTrees(dir);
    await settle(); // the check is done
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
    await settle();
    await Deno.remove(`${spare}/site-a.conf`);
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("a tree live again (a swap back) is not trusted from a check made before", async () => {
  await withDir(async (dir) => {
    const [t, spare] = await twoTrees(dir);
    await settle();
    t.swapped(1, 2); // back on 1: it is live, its check is void
    await Deno.writeTextFile(`${spare}/site-a.conf`, "# hand edit while live\n", { append: true });
    t.swapped(2, 1); // and forward again: a new check sees the edit
    t.startChecks();
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});

Deno.test("a check not started yet (no reload since the swap) runs when the spare is needed", async () => {
  await withDir(async (dir) => {
    const t = new LiveTrees(dir);
    await t.init();
    await t.build(1, files("v1"), "{}", []);
    await t.build(2, files("v2"), "{}", [1]);
    t.swapped(2, 1); // no startChecks: nginx was not reloaded
    await settle();
    await Deno.writeTextFile(`${t.pathOf(1)}/site-a.conf`, "# hand edit\n", { append: true });
    await t.build(3, files("v3"), "{}", [2]);
    await expectExact(t, 3);
  });
});
