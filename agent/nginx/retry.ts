// Retrying pending work after a round failed for a transient cause (an I/O
// error writing a generation: a full or read-only disk, a permission fixed by
// the operator). Nothing else would apply it until the next change or `agent
// apply`. Backoff 1 s, 2 s, 4 s ... 60 s; a round that ends without such an
// error resets it. Shown in GET /api/config/status as `retry`.
import type { AgentError } from "../errors.ts";

export interface RetryStatus {
  attempt: number;
  next_at: string;
  reason: string;
}

/** Causes worth retrying by themselves: the disk, not the configuration. */
export function transient(e: AgentError | undefined): boolean {
  return e?.code === "CONFIG_WRITE_FAILED" && e.detail.hold !== true;
}

export class RetryTimer {
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #status: RetryStatus | null = null;
  readonly maxMs: number;

  constructor(maxMs = 60_000) {
    this.maxMs = maxMs;
  }

  get status(): RetryStatus | null {
    return this.#status;
  }

  /** Runs `fn` after the next backoff delay (once; a later call replaces it). */
  schedule(reason: string, fn: () => void): void {
    this.#attempt++;
    const ms = Math.min(1000 * 2 ** (this.#attempt - 1), this.maxMs);
    clearTimeout(this.#timer);
    this.#status = {
      attempt: this.#attempt,
      next_at: new Date(Date.now() + ms).toISOString(),
      reason,
    };
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      fn();
    }, ms);
    Deno.unrefTimer(this.#timer);
  }

  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt = 0;
    this.#status = null;
  }
}
