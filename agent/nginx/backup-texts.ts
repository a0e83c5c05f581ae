// The backups' contents, one file per distinct text, named by its sha256:
//
//   <nginx_dir>/generations/texts/ab/ab12…   a config file's or a sidecar's text
//   <nginx_dir>/generations/000042/manifest.json   the generation: file -> sha256
//
// A generation is its manifest; its files are the texts the manifest names. So
// writing a backup costs the texts that are new (one site changed: two files and
// the manifest), not a hard link per file of the tree (40,000 at 10,000 sites,
// made while nginx parsed the reload and competing with it on the CPU). A text is
// written once, before any manifest names it, never edited, and nginx never
// reads it (it reads live trees, live-tree.ts), so a hand edit cannot alter a
// backup. A text goes when no kept generation names it.
//
// Generations written before this layout hold their files in their own directory:
// `Generations.reader` reads those there.

export class BackupTexts {
  readonly dir: string;
  /** sha256 -> how many generations on disk name it (only texts present here). */
  #refs = new Map<string, number>();
  /** Written for a candidate no generation names yet (refused ones are removed at prune). */
  #loose = new Set<string>();
  #subdirs = new Set<string>();

  constructor(generationsRoot: string) {
    this.dir = `${generationsRoot}/texts`;
  }

  pathOf(sha: string): string {
    return `${this.dir}/${sha.slice(0, 2)}/${sha}`;
  }

  /**
   * Counts the texts the generations on disk name (`named`: each one's shas) and
   * removes the ones none names (a refused candidate's, or a crash's leftovers).
   */
  async init(named: Iterable<Iterable<string>>): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    const onDisk = new Set<string>();
    for await (const d of Deno.readDir(this.dir)) {
      if (!d.isDirectory) continue;
      this.#subdirs.add(d.name);
      for await (const f of Deno.readDir(`${this.dir}/${d.name}`)) onDisk.add(f.name);
    }
    this.#refs.clear();
    for (const shas of named) {
      for (const sha of shas) {
        if (onDisk.has(sha)) this.#refs.set(sha, (this.#refs.get(sha) ?? 0) + 1);
      }
    }
    for (const sha of onDisk) if (!this.#refs.has(sha)) await this.#remove(sha);
  }

  /** Writes the texts not stored yet. */
  async put(texts: Iterable<{ readonly text: string; sha: string }>): Promise<void> {
    const todo = new Map<string, { readonly text: string }>();
    for (const t of texts) {
      if (!this.#refs.has(t.sha) && !this.#loose.has(t.sha)) todo.set(t.sha, t); // text not read yet
    }
    const batch: Promise<void>[] = [];
    for (const [sha, t] of todo) {
      batch.push(this.#write(sha, t.text));
      if (batch.length === 64) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
  }

  async #write(sha: string, text: string): Promise<void> {
    const sub = sha.slice(0, 2);
    if (!this.#subdirs.has(sub)) {
      await Deno.mkdir(`${this.dir}/${sub}`, { recursive: true });
      this.#subdirs.add(sub);
    }
    // In place, no rename: a text half-written by a crash is named by no manifest (each
    // manifest is written after its texts), so the next start removes it.
    await Deno.writeTextFile(this.pathOf(sha), text);
    this.#loose.add(sha);
  }

  /** A generation naming these texts is on disk. */
  claim(shas: Iterable<string>): void {
    for (const sha of shas) {
      const k = this.#refs.get(sha);
      if (k !== undefined) this.#refs.set(sha, k + 1);
      else if (this.#loose.delete(sha)) this.#refs.set(sha, 1);
    }
  }

  /** A generation naming these texts was removed: the ones no other names go. */
  async release(shas: Iterable<string>): Promise<void> {
    for (const sha of shas) {
      const k = this.#refs.get(sha);
      if (k === undefined) continue;
      if (k > 1) this.#refs.set(sha, k - 1);
      else {
        this.#refs.delete(sha);
        await this.#remove(sha);
      }
    }
  }

  /** Removes texts written for candidates that never became a generation (no round running). */
  async sweepLoose(): Promise<void> {
    for (const sha of [...this.#loose]) {
      this.#loose.delete(sha);
      await this.#remove(sha);
    }
  }

  /** `dir` holding `texts` by name, each a link of its stored text (one removed meanwhile: written). */
  async linkTree(
    dir: string,
    texts: ReadonlyMap<string, { readonly text: string; readonly sha: string }>,
  ): Promise<void> {
    const names = [...texts.keys()];
    await Deno.mkdir(dir, { recursive: true });
    for (const d of new Set(names.map((n) => n.slice(0, Math.max(0, n.lastIndexOf("/")))))) {
      if (d) await Deno.mkdir(`${dir}/${d}`, { recursive: true });
    }
    for (let i = 0; i < names.length; i += 64) {
      await Promise.all(
        names.slice(i, i + 64).map((name) => {
          const t = texts.get(name)!;
          return Deno.link(this.pathOf(t.sha), `${dir}/${name}`)
            .catch(() => Deno.writeTextFile(`${dir}/${name}`, t.text));
        }),
      );
    }
  }

  async read(sha: string): Promise<string> {
    return await Deno.readTextFile(this.pathOf(sha));
  }

  async #remove(sha: string): Promise<void> {
    await Deno.remove(this.pathOf(sha)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/** Every text a manifest names: its config files and its sidecars. */
export function namedShas(
  m: { files: Record<string, { sha256: string }>; sidecars?: Record<string, string> },
): string[] {
  return [...Object.values(m.files).map((e) => e.sha256), ...Object.values(m.sidecars ?? {})];
}
