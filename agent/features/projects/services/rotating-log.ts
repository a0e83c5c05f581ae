// An append-only log file rotated by size: <file> -> <file>.1 -> ... -> <file>.<keep>.
// Writes are queued so output of two streams never interleaves mid-chunk.

export class RotatingLog {
  readonly path: string;
  readonly maxBytes: number;
  readonly keep: number;
  #file: Deno.FsFile | null = null;
  #size = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(path: string, maxBytes: number, keep: number) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.keep = keep;
  }

  write(data: Uint8Array | string): void {
    if (this.#closed) return;
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    this.#queue = this.#queue.then(() => this.#write(bytes)).catch(() => {});
  }

  /** Resolves when everything written so far is on disk. */
  flush(): Promise<void> {
    return this.#queue;
  }

  async #open() {
    this.#file = await Deno.open(this.path, { create: true, append: true, mode: 0o640 });
    this.#size = (await this.#file.stat()).size;
  }

  async #write(bytes: Uint8Array) {
    if (!this.#file) await this.#open();
    if (this.#size > 0 && this.#size + bytes.length > this.maxBytes) await this.#rotate();
    let off = 0;
    while (off < bytes.length) off += await this.#file!.write(bytes.subarray(off));
    this.#size += bytes.length;
  }

  async #rotate() {
    this.#file?.close();
    this.#file = null;
    await Deno.remove(`${this.path}.${this.keep}`).catch(() => {});
    for (let i = this.keep - 1; i >= 1; i--) {
      await Deno.rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => {});
    }
    await Deno.rename(this.path, `${this.path}.1`).catch(() => {});
    await this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    this.#file?.close();
    this.#file = null;
  }
}
