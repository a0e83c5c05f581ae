// The trees nginx reads: `current` points at live/<generation>, a directory of
// its own inodes, never at a backup. A new live tree is made from the spare one
// (the tree live before the current one) by writing only the files that differ,
// so an apply writes in proportion to what changed, and a hand edit of a live
// file can alter neither a backup nor the next tree (a file whose inode, size,
// mtime or ctime moved since it was written is written again).
//
// A tree that stops being live is checked for such edits at once, in the
// background (`swapped`: while nginx reloads, the agent's main thread only
// waits), so the next apply need not lstat every file of its spare (40,000 at
// 10,000 sites: ~180 ms). (Held back until after the reload, the check sped the
// reload up at 1,000 sites but cost the next apply more: at 10,000 sites PUT ->
// live took 1.75 to 1.78 s against 1.64 s.) Once the reload is settled
// (`reloaded`) and nginx serves the tree last built, the checked spare takes the
// files that build wrote (`#catchUp`), so the next build writes only its own
// changes; a spare that is a swap back's target is never touched. That build trusts
// the check when no directory of the spare changed since (an edit by rename, a
// file added or removed, changes its directory); what it cannot see is a file of
// a tree nginx no longer reads written in place after the check.
//
//   <nginx_dir>/live/000042   what `current` points at (a full tree)
//   <nginx_dir>/live/000041   the previous one: the swap back of a failed reload, then the spare
import { pad, statKey } from "./file-keys.ts";

/** A build's writes kept for the spare's catch-up, at most (a whole tree is not kept). */
const CATCH_UP_MAX = 2000;

const dirOf = (rel: string) => rel.slice(0, Math.max(0, rel.lastIndexOf("/")));

/** What the agent wrote into a live tree: file -> [sha256, statKey right after]. */
type Known = Map<string, [string, string]>;

/** A spare tree checked against what the agent wrote: files changed since, files it did not write. */
interface Check {
  stale: Set<string>;
  extra: string[];
  /** Directory -> statKey, taken before its files were looked at. */
  dirs: Map<string, string | null>;
}

export interface TreeFile {
  readonly name: string;
  readonly sha: string;
  /** Read when the file is written (a backup's text: from disk). */
  readonly text: Promise<string> | string;
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
  return names.map(([name, sha]) => ({
    name,
    sha,
    get text() {
      return read(name);
    },
  }));
}

export class LiveTrees {
  readonly root: string;
  /** The live trees written by this process, by directory name (unknown trees are rewritten). */
  #known = new Map<string, Known>();
  /** Background checks of trees that stopped being live, by directory name. */
  #checks = new Map<string, Promise<Check | null>>();
  /** Checked trees whose catch-up waits for `reloaded` (until then: a swap back's target). */
  #waiting = new Set<string>();
  /** The tree `current` points at, as `swapped` last heard. */
  #current: string | null = null;
  /** The last tree built and the files its build wrote (null: too many to keep). */
  #recent: { name: string; writes: TreeFile[] | null } | null = null;

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

  /** Whether live/n holds generation n (a spare caught up to a later tree has no manifest). */
  async exists(n: number): Promise<boolean> {
    return await Deno.stat(`${this.pathOf(n)}/manifest.json`).then((s) => s.isFile, () => false);
  }

  /**
   * Writes live/<n> holding exactly `files` (and `manifest.json`): from a spare
   * tree other than `keep` when one is known, else from scratch. Replaces a
   * stale live/<n> (a candidate swapped back whose number is used again).
   */
  async build(
    n: number,
    files: ReadonlyMap<string, TreeFile> | TreeFile[],
    manifest: string,
    keep: number[],
  ): Promise<void> {
    const name = pad(n);
    const keepNames = new Set(keep.map(pad));
    const spares = (await this.#names()).filter((d) => !keepNames.has(d));
    // A known spare first (the stale tree of n itself is one, when known).
    const spare = spares.find((d) => this.#known.has(d)) ?? null;
    const tmp = `${this.root}/.tmp-${crypto.randomUUID().slice(0, 8)}`;
    let known: Known = new Map();
    // Taken (and trusted) before the rename: a directory's own statKey moves with it.
    const check = spare ? await this.#trusted(spare) : null;
    if (spare) {
      await Deno.rename(`${this.root}/${spare}`, tmp);
      known = this.#known.get(spare)!;
      this.#known.delete(spare);
    } else await Deno.mkdir(tmp, { recursive: true });
    try {
      await Deno.remove(`${tmp}/manifest.json`).catch(() => {});
      const want = Array.isArray(files) ? new Map(files.map((f) => [f.name, f])) : files;
      const next: Known = new Map();
      // Whatever else is in the spare goes (a file added by hand while it was live included).
      const others = check ? check.extra : filesUnder(tmp).filter((rel) => !known.has(rel));
      const gone = (rel: string) =>
        Deno.remove(`${tmp}/${rel}`).catch((e) => {
          if (!(e instanceof Deno.errors.NotFound)) throw e; // removed by hand, or the manifest above
        });
      for (const rel of others) if (!want.has(rel)) await gone(rel);
      for (const rel of known.keys()) if (!want.has(rel)) await gone(rel);
      const unchanged = (name: string, k: [string, string]) =>
        check ? !check.stale.has(name) : k[1] === statKey(`${tmp}/${name}`);
      const writes: TreeFile[] = [];
      for (const f of want.values()) {
        const k = known.get(f.name);
        if (k && k[0] === f.sha && unchanged(f.name, k)) next.set(f.name, k);
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
            await Deno.writeTextFile(`${tmp}/${f.name}`, await f.text);
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
      this.#recent = { name, writes: writes.length <= CATCH_UP_MAX ? writes : null };
    } catch (e) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw e;
    }
  }

  /** File -> [sha256, statKey] of a tree this process wrote (for the drift check), or null. */
  keys(n: number): ReadonlyMap<string, readonly [string, string]> | null {
    return this.#known.get(pad(n)) ?? null;
  }

  /** `current` now points at live/n, and `previous` stopped being live: its check starts. */
  swapped(n: number, previous: number | null): void {
    this.#checks.delete(pad(n)); // live again: edits may come
    this.#waiting.delete(pad(n));
    this.#current = pad(n);
    if (previous === null || previous === n) return;
    const name = pad(previous);
    const known = this.#known.get(name);
    if (!known) return;
    this.#checks.set(name, checkTree(`${this.root}/${name}`, known).catch(() => null));
    this.#waiting.add(name);
  }

  /** nginx has loaded (or refused) the tree `current` points at: checked spares catch up. */
  reloaded(): void {
    for (const name of this.#waiting) {
      const check = this.#checks.get(name);
      const known = this.#known.get(name);
      if (!check || !known) continue;
      this.#checks.set(
        name,
        check.then((c) => c && this.#catchUp(name, known, c)).catch(() => null),
      );
    }
    this.#waiting.clear();
  }

  /**
   * After its check, a spare takes the files the live tree's build wrote, so the
   * next build writes only its own changes (a burst's 200 new files were written
   * into both trees, the second time by the next apply). `known` stays what is on
   * disk: a file is counted when written, so a failure halfway leaves the next
   * build to write the rest. Directories it wrote into get their statKeys again.
   * Its manifest goes first: the tree is generation `spare`'s no more.
   */
  async #catchUp(spare: string, known: Known, c: Check): Promise<Check> {
    const dir = `${this.root}/${spare}`;
    const r = this.#recent;
    const live = r && this.#known.get(r.name);
    if (!r?.writes || !live || r.name !== this.#current || r.name === spare) return c;
    // No longer generation `spare`'s tree: a swap to that generation builds it again.
    await Deno.remove(`${dir}/manifest.json`).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    const touched = new Set<string>([""]);
    const writes = r.writes.filter((f) => known.get(f.name)?.[0] !== f.sha || c.stale.has(f.name));
    for (let i = 0; i < writes.length; i += 64) {
      await Promise.all(
        writes.slice(i, i + 64).map(async (f) => {
          const d = dirOf(f.name);
          if (d && !touched.has(d)) await Deno.mkdir(`${dir}/${d}`, { recursive: true });
          touched.add(d);
          await Deno.writeTextFile(`${dir}/${f.name}`, await f.text);
          known.set(f.name, [f.sha, statKey(`${dir}/${f.name}`) ?? ""]);
          c.stale.delete(f.name);
        }),
      );
    }
    for (const name of [...known.keys()]) {
      if (live.has(name)) continue;
      await Deno.remove(`${dir}/${name}`).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      known.delete(name);
      c.stale.delete(name);
      touched.add(dirOf(name));
    }
    for (let d of touched) {
      for (;;) { // the directory and those above it (a new directory changes its parent)
        if (c.dirs.has(d)) c.dirs.set(d, statKey(d ? `${dir}/${d}` : dir));
        if (!d) break;
        d = dirOf(d);
      }
    }
    return c;
  }

  /** When the background checks (and their catch-ups) are done: before the tree goes. */
  async settled(): Promise<void> {
    await Promise.all(this.#checks.values());
  }

  /** The background check of a spare, when no directory of it changed since. */
  async #trusted(name: string): Promise<Check | null> {
    this.#waiting.delete(name); // no reload since (nginx down, same text): not caught up
    const c = await this.#checks.get(name);
    this.#checks.delete(name);
    if (!c) return null;
    for (const [d, k] of c.dirs) {
      if (statKey(`${this.root}/${name}${d ? `/${d}` : ""}`) !== k) return null;
    }
    return c;
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
      this.#checks.delete(d);
      this.#waiting.delete(d);
    }
  }
}

/**
 * Every file under a directory (recursive), relative names (sync: one call, not an
 * op per entry); `dirs` gets each directory's statKey, taken before it is read.
 */
function filesUnder(dir: string, prefix = "", dirs?: Map<string, string | null>): string[] {
  const out: string[] = [];
  const path = prefix ? `${dir}/${prefix}` : dir;
  dirs?.set(prefix, statKey(path));
  for (const e of Deno.readDirSync(path)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...filesUnder(dir, rel, dirs));
    else out.push(rel);
  }
  return out;
}

/** Which files of a tree moved since the agent wrote them; yields between slices of lstats. */
async function checkTree(dir: string, known: Known): Promise<Check> {
  await new Promise((r) => setTimeout(r, 0)); // after the swap's caller moved on (the reload)
  const dirs = new Map<string, string | null>();
  const seen = filesUnder(dir, "", dirs);
  const c: Check = { stale: new Set(), extra: [], dirs };
  const present = new Set<string>();
  for (let i = 0; i < seen.length; i++) {
    const rel = seen[i];
    const k = known.get(rel);
    if (!k) c.extra.push(rel);
    else {
      present.add(rel);
      if (k[1] !== statKey(`${dir}/${rel}`)) c.stale.add(rel);
    }
    if (i % 2000 === 1999) await new Promise((r) => setTimeout(r, 0)); // the proof's looks
  }
  for (const rel of known.keys()) if (!present.has(rel)) c.stale.add(rel);
  return c;
}
