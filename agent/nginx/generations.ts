// Generations: every apply writes the whole managed tree into a new directory,
// and the `current` symlink (what nginx includes) is swapped to it with one
// rename. Old generations are the backups.
//
//   <nginx_dir>/current -> generations/000042
//   <nginx_dir>/generations/000042/{00-switchyard.conf, pool-*.conf, site-*.conf,
//                                   *.meta.json, manifest.json}
import { createHash } from "node:crypto";
import type { RenderedFile } from "../render/tree.ts";
import { metaFileName } from "../render/tree.ts";
import type { Rec } from "../store/store.ts";

export interface FileEntry {
  sha256: string;
  entity?: { kind: string; name: string };
}

export interface Manifest {
  generation: number;
  created_at: string;
  config_hash: string;
  files: Record<string, FileEntry>;
  /** entity id -> sidecar file */
  entities: Record<string, string>;
  /** sidecar file -> sha256 of its text (absent in generations written before drift checks) */
  sidecars?: Record<string, string>;
  cause: Record<string, unknown>;
}

/** The sidecar next to each entity's file: what the config text alone cannot carry. */
export interface Sidecar {
  kind: string;
  name: string;
  /** The full record as stored, so state can be rebuilt from disk. */
  record: Rec;
  /** The config file rendered from it, if any, and its hash when written. */
  conf: string | null;
  conf_sha256: string | null;
}

export interface Staged {
  path: string;
  manifest: Manifest;
}

export interface GenerationInfo {
  generation: number;
  created_at: string;
  config_hash: string;
  files: number;
  entities: number;
  cause: Record<string, unknown>;
  current: boolean;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export const pad = (n: number) => String(n).padStart(6, "0");

export class Generations {
  readonly dir: string;
  /** Creation time and config hash per generation number, from its manifest (for pruning). */
  #info_ = new Map<number, { at: number; hash: string }>();
  constructor(nginxDir: string) {
    this.dir = nginxDir;
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

  /** Creates the layout and removes half-written generations left by a crash. */
  async init(): Promise<string[]> {
    await Deno.mkdir(this.root, { recursive: true });
    const removed: string[] = [];
    for await (const e of Deno.readDir(this.root)) {
      if (e.name.startsWith(".tmp-")) {
        await Deno.remove(`${this.root}/${e.name}`, { recursive: true });
        removed.push(e.name);
      }
    }
    for await (const e of Deno.readDir(this.dir)) {
      if (e.name.startsWith(".current-")) {
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
    const byName = new Map(files.map((f) => [f.name, f]));
    const writes: [string, string][] = [];
    for (const f of files) {
      const entry: FileEntry = { sha256: sha256(f.text) };
      if (f.entity) entry.entity = f.entity;
      manifest.files[f.name] = entry;
      writes.push([f.name, f.text]);
    }
    for (const [id, rec] of records) {
      const [kind, name] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
      const conf = byName.get(`${kind}-${name}.conf`) ?? null;
      const sidecar: Sidecar = {
        kind,
        name,
        record: rec,
        conf: conf?.name ?? null,
        conf_sha256: conf ? sha256(conf.text) : null,
      };
      const file = metaFileName(kind, name);
      const text = JSON.stringify(sidecar, null, 2) + "\n";
      manifest.entities[id] = file;
      manifest.sidecars![file] = sha256(text);
      writes.push([file, text]);
    }
    const dirs = new Set(
      writes.map(([n]) => n.includes("/") ? n.slice(0, n.lastIndexOf("/")) : ""),
    );
    for (const d of dirs) if (d) await Deno.mkdir(`${tmp}/${d}`, { recursive: true });
    for (let i = 0; i < writes.length; i += 64) {
      await Promise.all(
        writes.slice(i, i + 64).map(([n, t]) => Deno.writeTextFile(`${tmp}/${n}`, t)),
      );
    }
    await Deno.writeTextFile(`${tmp}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
    return { path: tmp, manifest };
  }

  /** Gives a staged tree its generation number (atomic rename). */
  async commit(staged: Staged): Promise<number> {
    const n = ((await this.numbers()).at(-1) ?? 0) + 1;
    staged.manifest.generation = n;
    await Deno.writeTextFile(
      `${staged.path}/manifest.json`,
      JSON.stringify(staged.manifest, null, 2) + "\n",
    );
    await Deno.rename(staged.path, this.pathOf(n));
    staged.path = this.pathOf(n);
    this.#info_.set(n, {
      at: Date.parse(staged.manifest.created_at),
      hash: staged.manifest.config_hash,
    });
    return n;
  }

  async discard(path: string): Promise<void> {
    await Deno.remove(path, { recursive: true }).catch(() => {});
  }

  /** Points `current` at generation n with one atomic rename. */
  async swap(n: number): Promise<void> {
    const tmp = `${this.dir}/.current-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.symlink(`generations/${pad(n)}`, tmp);
    await Deno.rename(tmp, this.currentLink);
  }

  async manifest(n: number): Promise<Manifest> {
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
