// Undoing a swap: `current` goes back to the previous generation when nginx did
// not load the new one, and the new one goes (it never served).
import { messageOf } from "../errors.ts";
import type { Generations } from "./generations.ts";

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
  await g.drop(n);
  return null;
}
