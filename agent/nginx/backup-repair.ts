// `current` on live/n with no generations/n: an agent before 2026-12-03
// finished the backup while nginx reloaded and could die in between (today the
// backup is on disk before the live tree, generations.ts commit), or the
// directory was removed by hand. At start the backup is made again from live/n, every file
// checked against live/n's own manifest; a tree that does not match it (or has
// none) is not trusted, and `current` goes back to the newest generation that
// has a backup (the change it carried is still pending in KV and applies again).
import type { Generations } from "./generations.ts";
import type { Manifest } from "./manifest.ts";
import { sha256 } from "./file-keys.ts";
import { messageOf } from "../errors.ts";

/** Warnings for the operator; none when `current` has its backup. */
export async function repairBackup(g: Generations): Promise<string[]> {
  const n = await g.current();
  if (n === null || await Deno.stat(g.pathOf(n)).then(() => true, () => false)) return [];
  const live = g.live.pathOf(n);
  const tmp = `${g.root}/.tmp-repair-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const text = await Deno.readTextFile(`${live}/manifest.json`);
    const m: Manifest = JSON.parse(text);
    if (m.generation !== n) throw new Error(`its manifest is generation ${m.generation}'s`);
    const files = [
      ...Object.entries(m.files).map(([f, e]) => [f, e.sha256]),
      ...Object.entries(m.sidecars ?? {}),
    ];
    await Deno.mkdir(tmp, { recursive: true });
    for (const [name, sha] of files) {
      const body = await Deno.readTextFile(`${live}/${name}`);
      if (sha256(body) !== sha) throw new Error(`${name} differs from its manifest`);
      if (name.includes("/")) {
        await Deno.mkdir(`${tmp}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
      }
      await Deno.writeTextFile(`${tmp}/${name}`, body); // a copy: backups share no inode with nginx's tree
    }
    await Deno.writeTextFile(`${tmp}/manifest.json`, text);
    await Deno.rename(tmp, g.pathOf(n));
    return [
      `generation ${n} had no backup (the agent stopped before it was written): made again from ${live}`,
    ];
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    const prev = (await g.numbers()).filter((x) => x < n).at(-1);
    if (prev === undefined) {
      return [`generation ${n} has no backup and its live tree cannot be trusted: ${messageOf(e)}`];
    }
    await g.swap(prev);
    return [
      `generation ${n} had no backup and its live tree cannot be trusted (${
        messageOf(e)
      }): back on generation ${prev}`,
    ];
  }
}
