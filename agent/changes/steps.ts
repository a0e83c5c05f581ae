// A change made of steps that touch the world (a service, files, the store and
// nginx). They run in order; when one fails, it and every step done before it
// are undone in reverse, and undo errors are joined to the failure, so the
// caller learns both and the world is left as it was.
import { joinErrors } from "../errors.ts";

export interface Step<C> {
  name: string;
  do(c: C): Promise<void>;
  /** Puts back what `do` changed; also runs when `do` itself failed partway. */
  undo?(c: C): Promise<void>;
}

export async function runSteps<C>(steps: readonly Step<C>[], c: C): Promise<void> {
  const done: Step<C>[] = [];
  for (const step of steps) {
    try {
      await step.do(c);
      done.push(step);
    } catch (e) {
      const failed: { what: string; error: unknown }[] = [];
      for (const s of [step, ...done.reverse()]) {
        try {
          await s.undo?.(c);
        } catch (u) {
          failed.push({ what: `undoing ${s.name}`, error: u });
        }
      }
      throw failed.length ? joinErrors(e, failed) : e;
    }
  }
}
