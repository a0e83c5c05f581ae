// supervise_nginx: nginx in the foreground (`daemon off`) as the agent's own
// child, so the agent (PID 1 of a container) sees it exit, reaps it, and starts
// it again after supervise_restart_delay. Stopping the agent stops nginx
// gracefully (SIGQUIT: open requests finish).
import type { OperatorRuntime } from "./settings.ts";

export interface Supervised {
  /** The running master's pid, or null between restarts. */
  pid(): number | null;
  restarts(): number;
  stop(): Promise<void>;
}

export function superviseNginx(rt: OperatorRuntime): Supervised {
  const s = rt.settings;
  const args = [
    ...(s.nginx_prefix ? ["-p", s.nginx_prefix] : []),
    "-c",
    s.nginx_conf,
    "-g",
    "daemon off;",
  ];
  let child: Deno.ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopping) {
      try {
        child = new Deno.Command(s.nginx_bin, {
          args,
          stdin: "null",
          stdout: "inherit",
          stderr: "inherit",
        })
          .spawn();
        rt.log(`supervisor: nginx started (pid ${child.pid})`);
        const st = await child.status;
        child = null;
        if (stopping) break;
        rt.log(
          `supervisor: nginx exited (code ${st.code}${
            st.signal ? `, ${st.signal}` : ""
          }); restarting`,
        );
      } catch (e) {
        child = null;
        rt.log(`supervisor: cannot start nginx: ${(e as Error).message}`);
      }
      restarts++;
      await new Promise<void>((res) => {
        wake = res;
        setTimeout(res, s.supervise_restart_delay * 1000);
      });
    }
  })();
  return {
    pid: () => child?.pid ?? null,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      wake?.();
      const c = child as Deno.ChildProcess | null;
      if (c) {
        try {
          c.kill("SIGQUIT");
        } catch { /* gone */ }
        const t = setTimeout(() => {
          try {
            c.kill("SIGKILL");
          } catch { /* gone */ }
        }, 15_000);
        await c.status;
        clearTimeout(t);
      }
      await loop;
    },
  };
}
