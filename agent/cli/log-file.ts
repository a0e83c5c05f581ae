// The log_file setting: every log line also goes to a file that is rotated at
// a size (log -> log.1 -> ... -> log.N, the oldest dropped), like nanio's
// RotatingFileHandler. Synchronous appends keep lines whole and in order.
export class RotatingLog {
  #size = 0;
  constructor(
    readonly path: string,
    readonly maxBytes: number,
    readonly count: number,
  ) {
    const dir = path.slice(0, path.lastIndexOf("/")) || "/";
    Deno.mkdirSync(dir, { recursive: true });
    try {
      this.#size = Deno.statSync(path).size;
    } catch { /* new file */ }
  }

  write(line: string): void {
    const bytes = new TextEncoder().encode(`${new Date().toISOString()} ${line}\n`);
    if (this.#size > 0 && this.#size + bytes.length > this.maxBytes) this.#rotate();
    Deno.writeFileSync(this.path, bytes, { append: true, create: true, mode: 0o640 });
    this.#size += bytes.length;
  }

  #rotate(): void {
    for (let i = this.count - 1; i >= 1; i--) {
      try {
        Deno.renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch { /* no such copy yet */ }
    }
    try {
      Deno.removeSync(`${this.path}.${this.count + 1}`);
    } catch { /* none */ }
    Deno.renameSync(this.path, `${this.path}.1`);
    this.#size = 0;
  }
}
