// A live tree whose backup is gone (an agent before 2026-12-03 finished the
// backup while nginx reloaded, and could die in between; or the directory was
// removed by hand): the start makes the backup again from the live tree when
// every file matches its manifest, and goes back to the previous generation
// when one does not.
import assert from "node:assert/strict";
import { Generations, sha256 } from "../../agent/nginx/generations.ts";
import { repairBackup } from "../../agent/nginx/backup-repair.ts";
import type { RenderedFile } from "../../agent/render/tree.ts";
import type { Rec } from "../../agent/store/store.ts";

const rec = (name: string, v: number): Rec =>
  ({ name, version: v, created_at: "", updated_at: "", server_names: [`${name}.test`] }) as Rec;

async function generation(g: Generations, text: string, v: number): Promise<number> {
  const files: RenderedFile[] = [
    { name: "site-a.conf", text, entity: { kind: "site", name: "a" } },
    { name: "00-switchyard.conf", text: "# http level\n" },
  ];
  const staged = await g.stage(files, new Map([["site/a", rec("a", v)]]), `h${v}`, {});
  const n = await g.commit(staged);
  await g.swap(n);
  return n;
}

/** Generation n's backup is not on disk. */
async function loseBackup(g: Generations, n: number) {
  await Deno.remove(g.pathOf(n), { recursive: true });
}

Deno.test("no backup for the current generation after a crash: made again from the live tree, as separate files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-repair-" });
  try {
    const g = new Generations(dir);
    await g.init();
    await generation(g, "server { listen 80; }\n", 1);
    const n = await generation(g, "server { listen 81; }\n", 2);
    await loseBackup(g, n);
    const warnings = await repairBackup(new Generations(dir)); // a new process
    assert.match(warnings.join("\n"), new RegExp(`generation ${n} had no backup`));
    assert.equal(await g.current(), n);
    const m = await g.manifest(n);
    assert.equal(m.generation, n);
    const backup = await Deno.readTextFile(`${g.pathOf(n)}/site-a.conf`);
    assert.equal(sha256(backup), m.files["site-a.conf"].sha256);
    assert.ok((await g.sidecars(n)).has("site/a"));
    // a copy: an edit of what nginx reads cannot reach the backup
    const live = await Deno.stat(`${g.currentLink}/site-a.conf`);
    const copy = await Deno.stat(`${g.pathOf(n)}/site-a.conf`);
    assert.notEqual(live.ino, copy.ino);
    assert.deepEqual(await repairBackup(g), [], "nothing to do the second time");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no backup and a live tree that differs from its manifest: back on the previous generation", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-repair-" });
  try {
    const g = new Generations(dir);
    await g.init();
    const prev = await generation(g, "server { listen 80; }\n", 1);
    const n = await generation(g, "server { listen 81; }\n", 2);
    await loseBackup(g, n);
    await Deno.writeTextFile(`${g.currentLink}/site-a.conf`, "# edited\n");
    const warnings = await repairBackup(new Generations(dir));
    assert.match(warnings.join("\n"), /site-a\.conf differs from its manifest/);
    assert.match(warnings.join("\n"), new RegExp(`back on generation ${prev}`));
    assert.equal(await g.current(), prev);
    assert.equal(
      await Deno.readTextFile(`${g.currentLink}/site-a.conf`),
      "server { listen 80; }\n",
    );
    assert.deepEqual(
      [...Deno.readDirSync(g.root)].map((e) => e.name).filter((x) => x.startsWith(".tmp-")),
      [],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
