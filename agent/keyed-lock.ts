// Per-name serialization: operations on one project or certificate run one
// after another, operations on different names run at once.

/** Runs `fn` after every earlier operation under the same name has finished. */
export function withKeyedLock<T>(
  locks: Map<string, Promise<unknown>>,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const prev = locks.get(name) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.then(() => {}, () => {});
  locks.set(name, tail);
  // Forget the entry once the last queued operation ends, so the map does not grow.
  tail.then(() => {
    if (locks.get(name) === tail) locks.delete(name);
  });
  return run;
}
