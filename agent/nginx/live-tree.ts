// The trees nginx reads: `current` points at live/<generation>, a directory of
// its own inodes, never at a backup. A new live tree is made from the spare one
// (the tree live before the current one) by writing only the files that differ,
// so an apply writes in proportion to what changed, and a hand edit of a live
// file can alter neither a backup nor the next tree (a file whose inode, size,
// mtime or ctime moved since it was written is written again).
//
//   <nginx_dir>/live/000042   what `current` points at (a full tree)
//   <nginx_dir>/live/000041   the previous one: the swap back of a failed reload, then the spare
import { pad, statKey } from "./file-keys.ts";

/** What the agent wrote into a live tree: file -> [sha256, statKey right after]. */
type Known = Map<string, [string, string]>;

export interface TreeFile {
  name: string;
  sha: string;
  text: () => Promise<string> | string;
}

/** The files a generation's manifest lists (config files and sidecars), read by `read`. */
export function backupFiles(
  m: { files: Record<string, { sha256: string }>; sidecars?: Record<string, string> },
  read: (name: string) => Promise<string>,
): TreeFile[] {
  const names = [
    ...Object.entries(m.files).map(([f, e]) => [f, e.sha256]),
    ...Object.entries(m.sidecars ?? {}),
  ];
  return names.map(([name, sha]) => ({ name, sha, text: () => read(name) }));
}

export class LiveTrees {
  readonly root: string;
  /** The live trees written by this process, by directory name (unknown trees are rewritten). */
  #known = new Map<string, Known>();

  constructor(nginxDir: string) {
    this.root = `${nginxDir}/live`;
  }

  pathOf(n: number): string {
    return `${this.root}/${pad(n)}`;
  }

  /** Creates the layout and removes trees half-written by a crash. */
  async init(): Promise<void> {
    await Deno.mkdir(this.root, { recursive: true });
    for await (const e of Deno.readDir(this.root)) {
      if (e.name.startsWith(".tmp-")) {
        await Deno.remove(`${this.root}/${e.name}`, { recursive: true });
      }
    }
  }

  async #names(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(this.root)) {
        if (e.isDirectory && /^\d+$/.test(e.name)) out.push(e.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort();
  }

  async exists(n: number): Promise<boolean> {
    return await Deno.stat(this.pathOf(n)).then((s) => s.isDirectory, () => false);
  }

  /**
   * Writes live/<n> holding exactly `files` (and `manifest.json`): from a spare
   * tree other than `keep` when one is known, else from scratch. Replaces a
   * stale live/<n> (a candidate swapped back whose number is used again).
   */
  async build(n: number, files: TreeFile[], manifest: string, keep: number[]): Promise<void> {
    const name = pad(n);
    const keepNames = new Set(keep.map(pad));
    const spares = (await this.#names()).filter((d) => !keepNames.has(d));
    // A known spare first (the stale tree of n itself is one, when known).
    const spare = spares.find((d) => this.#known.has(d)) ?? null;
    const tmp = `${this.root}/.tmp-${crypto.randomUUID().slice(0, 8)}`;
    let known: Known = new Map();
    if (spare) {
      await Deno.rename(`${this.root}/${spare}`, tmp);
      known = this.#known.get(spare)!;
      this.#known.delete(spare);
    } else await Deno.mkdir(tmp, { recursive: true });
    try {
      await Deno.remove(`${tmp}/manifest.json`).catch(() => {});
      const want = new Map(files.map((f) => [f.name, f]));
      const next: Known = new Map();
      // Whatever else is in the spare goes (a file added by hand while it was live included).
      for (const rel of filesUnder(tmp)) {
        if (!want.has(rel)) await Deno.remove(`${tmp}/${rel}`);
      }
      const writes: TreeFile[] = [];
      for (const f of files) {
        const k = known.get(f.name);
        if (k && k[0] === f.sha && k[1] === statKey(`${tmp}/${f.name}`)) next.set(f.name, k);
        else writes.push(f);
      }
      const dirs = new Set(
        writes.map((f) => f.name.slice(0, Math.max(0, f.name.lastIndexOf("/")))),
      );
      for (const d of dirs) if (d) await Deno.mkdir(`${tmp}/${d}`, { recursive: true });
      for (let i = 0; i < writes.length; i += 64) {
        await Promise.all(
          writes.slice(i, i + 64).map(async (f) => {
            // In place: nothing else links a live tree's files, and this one is not live.
            await Deno.writeTextFile(`${tmp}/${f.name}`, await f.text());
          }),
        );
      }
      await Deno.writeTextFile(`${tmp}/manifest.json`, manifest);
      // Stat keys taken here stay valid: renaming the directory does not touch its files.
      for (const f of writes) next.set(f.name, [f.sha, statKey(`${tmp}/${f.name}`) ?? ""]);
      await Deno.remove(`${this.root}/${name}`, { recursive: true }).catch(() => {});
      this.#known.delete(name);
      await Deno.rename(tmp, `${this.root}/${name}`);
      this.#known.set(name, next);
    } catch (e) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw e;
    }
  }

  /** File -> statKey of a tree this process wrote (for the drift check), or null. */
  keys(n: number): Map<string, string> | null {
    const k = this.#known.get(pad(n));
    return k ? new Map([...k].map(([f, [, s]]) => [f, s])) : null;
  }

  /** Removes live trees other than `keep` beyond one spare (the most recent). */
  async trim(keep: number[]): Promise<void> {
    const keepNames = new Set(keep.map(pad));
    const others = (await this.#names()).filter((d) => !keepNames.has(d));
    const spare = others.filter((d) => this.#known.has(d)).at(-1);
    for (const d of others) {
      if (d === spare) continue;
      await Deno.remove(`${this.root}/${d}`, { recursive: true }).catch(() => {});
      this.#known.delete(d);
    }
  }
}

/** Every file under a directory (recursive), relative names (sync: one call, not an op per entry). */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(prefix ? `${dir}/${prefix}` : dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out;
}
