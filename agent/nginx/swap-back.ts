// Undoing a swap: `current` goes back to the previous generation when nginx did
// not load the new one, or when the new one's backup could not be written (the
// backup is finished while nginx reloads, generations.ts commit): a generation
// nginx runs without a backup would break the promise that every live tree has
// one, so the round backs out of it and fails as a whole.
import { AgentError, messageOf } from "../errors.ts";
import type { Generations } from "./generations.ts";
import type { ReloadResult } from "./control.ts";

/**
 * nginx kept the old configuration in memory; points the files back at it too.
 * Returns what failed on the way, or null.
 */
export async function swapBack(
  g: Generations,
  n: number,
  previous: number | null,
): Promise<string | null> {
  try {
    if (previous !== null) await g.swap(previous);
    else {
      await Deno.remove(g.currentLink).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    }
  } catch (e) {
    // `current` still points at n: n stays on disk, a dangling link would serve nothing.
    return previous !== null
      ? `restoring generation ${previous}: ${messageOf(e)}`
      : `removing ${g.currentLink}: ${messageOf(e)}`;
  }
  await g.discard(g.pathOf(n));
  return null;
}

/**
 * Waits for generation n's backup. When it failed: `current` goes back to the
 * previous generation (and nginx with it when it had loaded n), and the round's
 * error says why; null when the backup is on disk.
 */
export async function backupOrBackOut(
  g: Generations,
  n: number,
  previous: number | null,
  reloadPrevious: (() => Promise<ReloadResult>) | null,
): Promise<AgentError | null> {
  const lost = await g.backedUp(n).then(() => null, (e) => messageOf(e));
  if (lost === null) return null;
  const parts = [`cannot write the backup of generation ${n}: ${lost}`];
  const restoring = await swapBack(g, n, previous);
  if (restoring) parts.push(restoring);
  else if (reloadPrevious && previous !== null) {
    const r = await reloadPrevious().catch((e) => ({ ok: false, output: messageOf(e) }));
    parts.push(
      r.ok
        ? `nginx is back on generation ${previous}`
        : `reloading generation ${previous}: ${r.output}`,
    );
  }
  return new AgentError("CONFIG_WRITE_FAILED", parts.join("; "));
}
