// Every KV commit goes through here. SQLite answers "database is locked" at once,
// without waiting out its busy timeout, when another connection to the same file
// (another agent process, a CLI command) committed between this transaction's
// reads and its write. Nothing was written then, so the same operation is
// committed again after a short pause; a lock that outlasts the tries is the error.

const TRIES = 8;

export function isBusy(e: unknown): boolean {
  return e instanceof Error && /database is (locked|busy)/i.test(e.message);
}

/** `op.commit()`, tried again while SQLite says the file is busy (at most ~1.3 s in all). */
export async function commitAtomic(
  op: Deno.AtomicOperation,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  for (let k = 1;; k++) {
    try {
      return await op.commit();
    } catch (e) {
      if (!isBusy(e) || k >= TRIES) throw e;
      await pause(5 * 2 ** k * (0.5 + Math.random() / 2));
    }
  }
}
