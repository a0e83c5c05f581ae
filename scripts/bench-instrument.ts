// The bench's in-process profile of one apply (each pipeline step timed by
// wrapping the runtime's generations and nginx objects), and this process's memory and CPU
// from /proc (scripts/bench.ts).
import type { Runtime } from "../agent/runtime.ts";

/** Times the pipeline's steps by wrapping the runtime's generations and nginx objects. */
export function instrument(rt: Runtime) {
  const acc: Record<string, number> = {};
  const add = (k: string, v: number) => (acc[k] = (acc[k] ?? 0) + v);
  // deno-lint-ignore no-explicit-any
  const wrap = (obj: any, method: string, phase: string) => {
    const orig = obj[method].bind(obj);
    obj[method] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await orig(...args);
      } finally {
        add(phase, performance.now() - t);
      }
    };
  };
  wrap(rt.generations, "stage", "stage");
  wrap(rt.nginx, "test", "nginx -t");
  wrap(rt.generations, "commit", "swap");
  wrap(rt.generations, "swap", "swap");
  wrap(rt.generations, "prune", "prune");
  // The change reaches the reconciler once it is validated and written to KV.
  let submitted = 0;
  const submit = rt.reconciler.submit.bind(rt.reconciler);
  rt.reconciler.submit = (ids: string[]) => {
    submitted = performance.now();
    return submit(ids);
  };
  // Reload: from the signal to the last look at the workers that proved it.
  let reloadStart: number | null = null;
  let lastLook = 0;
  // deno-lint-ignore no-explicit-any
  const nginx = rt.nginx as any;
  const reload = nginx.reload.bind(nginx);
  nginx.reload = async () => {
    reloadStart = performance.now();
    return await reload();
  };
  const workers = nginx.workers.bind(nginx);
  nginx.workers = async () => {
    const r = await workers();
    lastLook = performance.now();
    return r;
  };
  return {
    submittedAt: () => submitted,
    /** Phase totals since the last take. */
    take(): Record<string, number> {
      if (reloadStart !== null) add("reload", lastLook - reloadStart);
      reloadStart = null;
      const out = { ...acc };
      for (const k of Object.keys(acc)) delete acc[k];
      return out;
    },
  };
}

/** A process's resident memory now and its peak, from /proc (MB); this one by default. */
export function rss(pid: number | "self" = "self"): { now: number; peak: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** CPU seconds a process used (user + system); this one by default. */
export function cpuSeconds(pid: number | "self" = "self"): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks: 100 per second on Linux
}
