// Generations: every apply makes a new generation, the whole managed tree; old
// generations are the backups. A generation is its manifest, and its files are
// texts stored once by sha256 (backup-texts.ts), so writing one costs the texts
// that changed and its manifest. nginx never reads them: `current` points at a
// live tree of its own inodes (live-tree.ts), written only where it changed, so
// a hand edit of a live file cannot alter any backup.
//
//   <nginx_dir>/current -> live/000042
//   <nginx_dir>/live/000042/{00-switchyard.conf, pool-*.conf, site-*.conf, *.meta.json, manifest.json}
//   <nginx_dir>/generations/000042/manifest.json   the backup: file -> sha256
//   <nginx_dir>/generations/texts/ab/ab12…          the backups' texts
import type { RenderedFile } from "../render/tree.ts";
import type { Rec } from "../store/store.ts";
import { pad, sha256, statKey } from "./file-keys.ts";
import { backupFiles, LiveTrees } from "./live-tree.ts";
import { BackupTexts, namedShas } from "./backup-texts.ts";
import { StageTexts, type Texts } from "./stage-texts.ts";

export { pad, sha256, statKey };

export type { FileEntry, GenerationInfo, Manifest, Sidecar } from "./manifest.ts";
import type { FileEntry, GenerationInfo, Manifest, Sidecar } from "./manifest.ts";

export interface Staged {
  /** Where `tree` writes the candidate as a directory for a whole-tree `nginx -t`. */
  path: string;
  manifest: Manifest;
  /** Every file's text and sha256 (config files and sidecars), for the live tree. */
  texts: Texts;
  /** Set once `tree` wrote `path`. */
  tree?: Promise<void>;
}

export class Generations {
  readonly dir: string;
  /** Creation time and config hash per generation number, from its manifest (for pruning). */
  #info_ = new Map<number, { at: number; hash: string }>();
  #files: { n: number; files: Record<string, FileEntry> } | null = null;
  /** Files of one generation known to hold their manifest's text, by their statKey. */
  #verified: {
    n: number;
    /** As the live tree was written (shared with it, not copied: 40,000 entries at 10,000 sites). */
    written: ReadonlyMap<string, readonly [string, string]>;
    keys: Map<string, string>;
  } | null = null;
  readonly live: LiveTrees;
  readonly texts: BackupTexts;
  /** Hashes and sidecars of the last staged texts (most are the same next time). */
  readonly #texts = new StageTexts();
  constructor(nginxDir: string) {
    this.dir = nginxDir;
    this.live = new LiveTrees(nginxDir);
    this.texts = new BackupTexts(this.root);
  }
  get root(): string {
    return `${this.dir}/generations`;
  }
  get currentLink(): string {
    return `${this.dir}/current`;
  }
  pathOf(n: number): string {
    return `${this.root}/${pad(n)}`;
  }
  /** Points at the last generation proven whole (nginx -t, or a reload nginx loaded); see sandbox.ts. */
  get provenLink(): string {
    return `${this.dir}/proven`;
  }

  /** Creates the layout and removes half-written generations left by a crash. */
  async init(): Promise<string[]> {
    await Deno.mkdir(this.root, { recursive: true });
    await this.live.init();
    const removed: string[] = [];
    for await (const e of Deno.readDir(this.root)) {
      if (e.name.startsWith(".tmp-")) {
        await Deno.remove(`${this.root}/${e.name}`, { recursive: true });
        removed.push(e.name);
      }
    }
    for await (const e of Deno.readDir(this.dir)) {
      if (e.name.startsWith(".current-") || e.name.startsWith(".proven-")) {
        await Deno.remove(`${this.dir}/${e.name}`).catch(() => {});
      }
    }
    const named: string[][] = [];
    for (const n of await this.numbers()) {
      const m = await this.manifest(n).catch(() => null);
      if (!m) continue;
      named.push(namedShas(m));
      this.#info_.set(n, { at: Date.parse(m.created_at), hash: m.config_hash });
    }
    await this.texts.init(named);
    return removed;
  }

  async current(): Promise<number | null> {
    try {
      const target = await Deno.readLink(this.currentLink);
      const m = /(\d+)\/?$/.exec(target);
      return m ? Number(m[1]) : null;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  /** The generation `proven` points at (null: none, or a tree written before the link existed). */
  async proven(): Promise<number | null> {
    try {
      const m = /(\d+)\/?$/.exec(await Deno.readLink(this.provenLink));
      return m ? Number(m[1]) : null;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  /** Records that generation n passed a whole-tree proof (one atomic rename). */
  async markProven(n: number): Promise<void> {
    const tmp = `${this.dir}/.proven-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.symlink(`generations/${pad(n)}`, tmp);
    await Deno.rename(tmp, this.provenLink);
  }

  /** Config file hashes of generation n (the last committed one is kept in memory). */
  async fileHashes(n: number): Promise<Record<string, FileEntry>> {
    if (this.#files?.n === n) return this.#files.files;
    const files = (await this.manifest(n)).files;
    this.#files = { n, files };
    return files;
  }

  async numbers(): Promise<number[]> {
    const out: number[] = [];
    try {
      for await (const e of Deno.readDir(this.root)) {
        if (e.isDirectory && /^\d+$/.test(e.name)) out.push(Number(e.name));
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * The candidate's manifest and texts, its new texts stored (a backup in the
   * making); `tree` writes it as a directory when a whole-tree test needs one.
   */
  async stage(
    files: RenderedFile[],
    records: Map<string, Rec>,
    configHash: string,
    cause: Record<string, unknown>,
  ): Promise<Staged> {
    const manifest: Manifest = {
      generation: 0,
      created_at: new Date().toISOString(),
      config_hash: configHash,
      files: {},
      entities: {},
      sidecars: {},
      cause,
    };
    const texts = this.#texts.build(files, records, manifest);
    await this.texts.put(texts.values());
    return { path: `${this.root}/.tmp-${crypto.randomUUID().slice(0, 8)}`, manifest, texts };
  }

  /** The staged candidate as a directory (links to its stored texts); its path. */
  async tree(staged: Staged): Promise<string> {
    await (staged.tree ??= this.texts.linkTree(staged.path, staged.texts));
    return staged.path;
  }

  /**
   * Numbers a staged candidate, writes its backup (the manifest: its texts are
   * stored) and then its live tree (the files that differ from the spare one):
   * `swap` makes it current. A live tree never exists without its backup.
   */
  async commit(staged: Staged): Promise<number> {
    const n = ((await this.numbers()).at(-1) ?? 0) + 1;
    staged.manifest.generation = n;
    // One line: at 10,000 sites the indented text took 30 ms to make and 40 % more to write.
    const manifest = JSON.stringify(staged.manifest) + "\n";
    await this.finishBackup(staged, n, manifest).catch((e) => {
      throw new Error(`cannot write the backup of generation ${n}: ${e?.message ?? e}`);
    });
    this.texts.claim(namedShas(staged.manifest));
    const cur = await this.current();
    await this.live.build(n, staged.texts, manifest, cur === null ? [] : [cur]);
    this.#files = { n, files: staged.manifest.files };
    this.#info_.set(n, {
      at: Date.parse(staged.manifest.created_at),
      hash: staged.manifest.config_hash,
    });
    const written = this.live.keys(n);
    if (written) this.#verified = { n, written, keys: new Map() };
    return n;
  }

  /**
   * Generation n's backup: its manifest in a directory of its own, one rename.
   * A candidate written as a tree (a whole-tree test) keeps it there: its files
   * are links of the stored texts, never live, and removing them costs the prune.
   */
  protected async finishBackup(staged: Staged, n: number, manifest: string): Promise<void> {
    const dir = staged.path;
    try {
      if (staged.tree) await staged.tree;
      else await Deno.mkdir(dir);
      await Deno.writeTextFile(`${dir}/manifest.json`, manifest);
      await Deno.rename(dir, this.pathOf(n));
    } catch (e) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw e;
    }
  }

  /**
   * Reads the files of generation n (its stored texts; an older layout's own copies).
   * `m`: its manifest when the caller has it (one is megabytes at 10,000 sites).
   */
  async reader(n: number, m?: Manifest): Promise<(name: string) => Promise<string>> {
    m ??= await this.manifest(n);
    return async (name) => {
      const sha = m.files[name]?.sha256 ?? m.sidecars?.[name];
      if (sha !== undefined) {
        try {
          return await this.texts.read(sha);
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        }
      }
      return await Deno.readTextFile(`${this.pathOf(n)}/${name}`);
    };
  }

  /**
   * True when a file of generation n is on disk exactly as it was when it was
   * written here or last found to match its manifest (same inode, size, mtime,
   * ctime); false means: read it. A hand edit changes the ctime at least.
   */
  asWritten(n: number, file: string): boolean {
    const v = this.#verified?.n === n ? this.#verified : null;
    const k = v ? v.keys.get(file) ?? v.written.get(file)?.[1] : undefined;
    return k !== undefined && k === statKey(`${this.currentLink}/${file}`);
  }

  /** Remembers that a file of generation n matched its manifest as it is now. */
  markVerified(n: number, file: string): void {
    if (this.#verified?.n !== n) this.#verified = { n, written: new Map(), keys: new Map() };
    const k = statKey(`${this.currentLink}/${file}`);
    if (k) this.#verified.keys.set(file, k);
  }

  async discard(path: string): Promise<void> {
    await Deno.remove(path, { recursive: true }).catch(() => {});
  }

  /**
   * Points `current` at generation n's live tree with one atomic rename (the tree
   * is written from the backup first when there is none, as for an older generation).
   */
  async swap(n: number): Promise<void> {
    const prev = await this.current();
    if (!(await this.live.exists(n))) {
      const m = await this.manifest(n);
      const read = await this.reader(n, m);
      await this.live.build(n, backupFiles(m, read), JSON.stringify(m) + "\n", [
        prev ?? n,
      ]);
    }
    const tmp = `${this.dir}/.current-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.symlink(`live/${pad(n)}`, tmp);
    await Deno.rename(tmp, this.currentLink);
    await this.live.trim(prev === null ? [n] : [n, prev]).catch(() => {});
    this.live.swapped(n, prev);
  }

  /** Removes generation n and the texts no other generation names. */
  async drop(n: number): Promise<void> {
    const named = await this.manifest(n).then(namedShas, () => []);
    await Deno.remove(this.pathOf(n), { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await this.texts.release(named);
    this.#info_.delete(n);
    if (this.#files?.n === n) this.#files = null;
  }

  async manifest(n: number): Promise<Manifest> {
    return JSON.parse(await Deno.readTextFile(`${this.pathOf(n)}/manifest.json`));
  }

  /** Config files (not sidecars) of a generation. */
  async confFiles(n: number): Promise<Map<string, string>> {
    const m = await this.manifest(n);
    const read = await this.reader(n, m);
    const out = new Map<string, string>();
    const names = Object.keys(m.files);
    for (let i = 0; i < names.length; i += 64) {
      await Promise.all(names.slice(i, i + 64).map(async (f) => out.set(f, await read(f))));
    }
    return out;
  }

  async sidecars(n: number): Promise<Map<string, Sidecar>> {
    const m = await this.manifest(n);
    const read = await this.reader(n, m);
    const out = new Map<string, Sidecar>();
    const ids = Object.keys(m.entities);
    for (let i = 0; i < ids.length; i += 64) {
      await Promise.all(
        ids.slice(i, i + 64).map(async (id) => {
          out.set(id, JSON.parse(await read(m.entities[id])));
        }),
      );
    }
    return out;
  }

  async list(): Promise<GenerationInfo[]> {
    const cur = await this.current();
    const out: GenerationInfo[] = [];
    for (const n of (await this.numbers()).reverse()) {
      try {
        const m = await this.manifest(n);
        out.push({
          generation: n,
          created_at: m.created_at,
          config_hash: m.config_hash,
          files: Object.keys(m.files).length,
          entities: Object.keys(m.entities).length,
          cause: m.cause,
          current: n === cur,
        });
      } catch { /* a directory without a manifest is not a generation */ }
    }
    return out;
  }

  /**
   * Retention: at most `keep` generations, and none older than `maxAgeDays`
   * (0: no age limit). The protected ones (current, previous) always stay.
   */
  async prune(
    keep: number,
    maxAgeDays: number,
    protect: number[],
    now = Date.now(),
  ): Promise<number[]> {
    const nums = (await this.numbers()).reverse();
    const removed: number[] = [];
    let kept = 0;
    let newerHash: string | null = null;
    for (const n of nums) {
      const info = await this.#info(n);
      // Same nginx text as the next newer generation (only records changed, e.g. a
      // certificate's status): no config to go back to, so it takes no backup slot.
      const repeat = info !== null && info.hash === newerHash;
      newerHash = info?.hash ?? null;
      if (protect.includes(n)) continue;
      let drop = repeat || kept >= keep;
      if (!drop && maxAgeDays > 0) {
        drop = info !== null && now - info.at > maxAgeDays * 86400_000;
      }
      if (!drop) {
        kept++;
        continue;
      }
      await this.drop(n);
      removed.push(n);
    }
    await this.texts.sweepLoose(); // refused candidates' texts: no round runs during a prune
    return removed;
  }

  /** Age and config hash of a generation; manifests are large at 1,000 sites, so read once. */
  async #info(n: number): Promise<{ at: number; hash: string } | null> {
    let info = this.#info_.get(n);
    if (info === undefined) {
      const m = await this.manifest(n).catch(() => null);
      if (!m) return null;
      info = { at: Date.parse(m.created_at), hash: m.config_hash };
      this.#info_.set(n, info);
    }
    return info;
  }
}
