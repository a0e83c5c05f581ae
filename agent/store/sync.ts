// The store's concurrency helpers: one writer at a time (callers queue on the
// tail; a failure does not block the next), and the request-scoped storage the
// tenant guard sets (node:async_hooks, which Deno provides).
export { AsyncLocalStorage } from "node:async_hooks";

export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.then(() => {}, () => {});
    return next;
  }
}
