// Light brute-force brake for POST /login and for wrong API keys: each failure from a client makes its
// next attempt wait longer (0.5 s, 1 s, 2 s ... up to 8 s). The failed response
// itself is held for that long, so a person typing never notices the lock, and
// attempts that arrive while it holds are refused without checking the key.

export interface ThrottleOptions {
  baseMs?: number;
  maxMs?: number;
  /** Failures older than this are forgotten. */
  windowMs?: number;
  now?: () => number;
}

interface Failures {
  count: number;
  last: number;
  until: number;
}

export class LoginThrottle {
  #fails = new Map<string, Failures>();
  #base: number;
  #max: number;
  #window: number;
  #now: () => number;

  constructor(opts: ThrottleOptions = {}) {
    this.#base = opts.baseMs ?? 500;
    this.#max = opts.maxMs ?? 8000;
    this.#window = opts.windowMs ?? 15 * 60_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Milliseconds the client must still wait before it may try again (0: go ahead). */
  lockedFor(client: string): number {
    const f = this.#fails.get(client);
    return f ? Math.max(0, f.until - this.#now()) : 0;
  }

  /** Records a failure; returns how long to hold the failed response (ms). */
  fail(client: string): number {
    const now = this.#now();
    this.#prune(now);
    const prev = this.#fails.get(client);
    const count = prev && now - prev.last < this.#window ? prev.count + 1 : 1;
    const delay = Math.min(this.#base * 2 ** (count - 1), this.#max);
    this.#fails.set(client, { count, last: now, until: now + delay });
    return delay;
  }

  succeed(client: string): void {
    this.#fails.delete(client);
  }

  #prune(now: number): void {
    if (this.#fails.size < 1000) return;
    for (const [k, f] of this.#fails) if (now - f.last >= this.#window) this.#fails.delete(k);
  }
}
