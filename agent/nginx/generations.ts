// Generations: every apply makes a new generation directory holding the whole
// managed tree; old generations are the backups. They share unchanged files by
// hard links with the generation before (so writing one costs the files that
// changed, and a link per other file), and nginx never reads them: `current`
// points at a live tree of its own inodes (live-tree.ts), written only where it
// changed, so a hand edit of a live file cannot alter any backup.
//
//   <nginx_dir>/current -> live/000042
//   <nginx_dir>/live/000042/{00-switchyard.conf, pool-*.conf, site-*.conf, *.meta.json, manifest.json}
//   <nginx_dir>/generations/000042/   the same files: the backup
import type { RenderedFile } from "../render/tree.ts";
import type { Rec } from "../store/store.ts";
import { pad, sha256, statKey } from "./file-keys.ts";
import { backupFiles, LiveTrees, type TreeFile } from "./live-tree.ts";
import { StageTexts } from "./stage-texts.ts";

export { pad, sha256, statKey };

export type { FileEntry, GenerationInfo, Manifest, Sidecar } from "./manifest.ts";
import type { FileEntry, GenerationInfo, Manifest, Sidecar } from "./manifest.ts";

export interface Staged {
  path: string;
  manifest: Manifest;
  /** Every file's text and sha256 (config files and sidecars), for the live tree. */
  texts: Map<string, { text: string; sha: string }>;
  /** Links still being made (`stage` with `overlap`; never rejects: its error or null). */
  filling?: Promise<unknown>;
}

export class Generations {
  readonly dir: string;
  /** Creation time and config hash per generation number, from its manifest (for pruning). */
  #info_ = new Map<number, { at: number; hash: string }>();
  #files: { n: number; files: Record<string, FileEntry> } | null = null;
  /** Files of one generation known to hold their manifest's text, by their statKey. */
  #verified: { n: number; keys: Map<string, string> } | null = null;
  /** The last committed generation's files by sha256: what a new one links. */
  #base: { n: number; shas: Map<string, string> } | null = null;
  /** Backups `commit` is still finishing, by generation. */
  readonly #backups = new Map<number, Promise<void>>();
  /** Staged directories whose links are still being made. */
  readonly #filling = new Map<string, Promise<void>>();
  readonly live: LiveTrees;
  /** Hashes and sidecars of the last staged texts (most are the same next time). */
  readonly #texts = new StageTexts();
  constructor(nginxDir: string) {
    this.dir = nginxDir;
    this.live = new LiveTrees(nginxDir);
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

  async stage(
    files: RenderedFile[],
    records: Map<string, Rec>,
    configHash: string,
    cause: Record<string, unknown>,
    opts: { overlap?: boolean } = {},
  ): Promise<Staged> {
    const tmp = `${this.root}/.tmp-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.mkdir(tmp, { recursive: true });
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
    const dirs = new Set([...texts.keys()].map((n) => n.slice(0, Math.max(0, n.lastIndexOf("/")))));
    for (const d of dirs) if (d) await Deno.mkdir(`${tmp}/${d}`, { recursive: true });
    const links = await this.#fill(tmp, texts);
    const staged: Staged = { path: tmp, manifest, texts };
    // The links of a candidate run on while the sandbox tests it and its live tree is written.
    if (opts.overlap) {
      let failed: unknown = null;
      const done = links().catch((e) => void (failed = e)).finally(() => this.#filling.delete(tmp));
      this.#filling.set(tmp, done);
      staged.filling = done.then(() => failed);
    } else await links();
    return staged;
  }

  /**
   * Writes the files that changed into a new directory; returns what makes the
   * rest: a hard link to the last committed generation's copy of the same text.
   * Backups are never live and nothing writes into one, so a shared inode stays as written.
   */
  async #fill(dir: string, texts: Staged["texts"]): Promise<() => Promise<void>> {
    const base = this.#base;
    const writes: [string, string][] = [];
    const links: [string, string][] = [];
    for (const [name, { text, sha }] of texts) {
      if (base && base.shas.get(name) === sha) links.push([name, text]);
      else writes.push([name, text]);
    }
    const write = (batch: [string, string][]) =>
      Promise.all(batch.map(([name, text]) => Deno.writeTextFile(`${dir}/${name}`, text)));
    for (let i = 0; i < writes.length; i += 64) await write(writes.slice(i, i + 64));
    return async () => {
      // Async links run off the main thread (linkSync held it ~18 µs a link here, 70 ms at
      // 1,000 sites): the round goes on, and the reload overlaps them.
      const missed: [string, string][] = [];
      let next = 0;
      const worker = async () => {
        while (next < links.length) {
          const [name, text] = links[next++];
          await Deno.link(`${this.pathOf(base!.n)}/${name}`, `${dir}/${name}`)
            .catch(() => missed.push([name, text])); // pruned meanwhile: write it
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      for (let i = 0; i < missed.length; i += 64) await write(missed.slice(i, i + 64));
    };
  }

  /** Waits for a staged tree's links (`settled` before reading it whole); throws their failure. */
  async settled(staged: Staged): Promise<void> {
    const failed = await staged.filling;
    staged.filling = undefined;
    if (failed) throw failed;
  }

  /**
   * Numbers a staged tree and writes its live tree (the files that differ from the
   * spare one): `swap` makes it current. Its backup is finished meanwhile, during
   * the reload (`backedUp(n)` waits; a crash first: backup-repair.ts).
   */
  async commit(staged: Staged): Promise<number> {
    const n = Math.max((await this.numbers()).at(-1) ?? 0, ...this.#backups.keys()) + 1;
    staged.manifest.generation = n;
    const manifest = JSON.stringify(staged.manifest, null, 2) + "\n";
    const files: TreeFile[] = [...staged.texts].map(([name, t]) => ({
      name,
      sha: t.sha,
      text: () => t.text,
    }));
    const cur = await this.current();
    // The live tree first, while the backup's links are still being made.
    await this.live.build(n, files, manifest, cur === null ? [] : [cur]);
    this.#files = { n, files: staged.manifest.files };
    this.#info_.set(n, {
      at: Date.parse(staged.manifest.created_at),
      hash: staged.manifest.config_hash,
    });
    const keys = this.live.keys(n);
    if (keys) this.#verified = { n, keys };
    const backup = this.finishBackup(staged, n, manifest).then(() => {
      this.#base = { n, shas: new Map([...staged.texts].map(([f, t]) => [f, t.sha])) };
    }, async (e) => {
      await this.discard(staged.path);
      throw e;
    });
    backup.catch(() => {}); // its failure is backedUp's to report
    this.#backups.set(n, backup);
    return n;
  }

  /** The staged tree becomes generations/n: its links, its manifest, one rename. */
  protected async finishBackup(staged: Staged, n: number, manifest: string): Promise<void> {
    await this.settled(staged);
    await Deno.writeTextFile(`${staged.path}/manifest.json`, manifest);
    await Deno.rename(staged.path, this.pathOf(n));
    staged.path = this.pathOf(n);
  }

  /** Waits until generation n's backup is on disk; throws why it could not be written. */
  async backedUp(n: number): Promise<void> {
    const b = this.#backups.get(n);
    if (!b) return;
    try {
      await b;
    } finally {
      if (this.#backups.get(n) === b) this.#backups.delete(n);
    }
  }

  /**
   * True when a file of generation n is on disk exactly as it was when it was
   * written here or last found to match its manifest (same inode, size, mtime,
   * ctime); false means: read it. A hand edit changes the ctime at least.
   */
  asWritten(n: number, file: string): boolean {
    const k = this.#verified?.n === n ? this.#verified.keys.get(file) : undefined;
    return k !== undefined && k === statKey(`${this.currentLink}/${file}`);
  }

  /** Remembers that a file of generation n matched its manifest as it is now. */
  markVerified(n: number, file: string): void {
    if (this.#verified?.n !== n) this.#verified = { n, keys: new Map() };
    const k = statKey(`${this.currentLink}/${file}`);
    if (k) this.#verified.keys.set(file, k);
  }

  async discard(path: string): Promise<void> {
    await this.#filling.get(path); // links still going into it
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
      const read = (name: string) => Deno.readTextFile(`${this.pathOf(n)}/${name}`);
      await this.live.build(n, backupFiles(m, read), JSON.stringify(m, null, 2) + "\n", [
        prev ?? n,
      ]);
    }
    const tmp = `${this.dir}/.current-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.symlink(`live/${pad(n)}`, tmp);
    await Deno.rename(tmp, this.currentLink);
    await this.live.trim(prev === null ? [n] : [n, prev]).catch(() => {});
  }

  async manifest(n: number): Promise<Manifest> {
    await this.#backups.get(n)?.catch(() => {});
    return JSON.parse(await Deno.readTextFile(`${this.pathOf(n)}/manifest.json`));
  }

  /** Config files (not sidecars) of a generation. */
  async confFiles(n: number): Promise<Map<string, string>> {
    const m = await this.manifest(n);
    const out = new Map<string, string>();
    await Promise.all(
      Object.keys(m.files).map(async (f) =>
        out.set(f, await Deno.readTextFile(`${this.pathOf(n)}/${f}`))
      ),
    );
    return out;
  }

  async sidecars(n: number): Promise<Map<string, Sidecar>> {
    const m = await this.manifest(n);
    const out = new Map<string, Sidecar>();
    const ids = Object.keys(m.entities);
    for (let i = 0; i < ids.length; i += 64) {
      await Promise.all(
        ids.slice(i, i + 64).map(async (id) => {
          out.set(id, JSON.parse(await Deno.readTextFile(`${this.pathOf(n)}/${m.entities[id]}`)));
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
      await Deno.remove(this.pathOf(n), { recursive: true });
      this.#info_.delete(n);
      removed.push(n);
    }
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
