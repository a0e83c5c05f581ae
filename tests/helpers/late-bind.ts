// A reload failure that nginx -t cannot see: the port is free when the round
// checks sockets and tests, and another process binds it before the reload (the
// window the round's socket check cannot close). Wraps the agent's nginx -t.
import type { TestAgent } from "./agent.ts";

/**
 * nginx retries a failed bind() for 2.5 s before it gives up on the reload: `close`
 * waits for that ("still could not bind()"), else the port freed meanwhile lets
 * the refused configuration load late, under the next round.
 */
export function bindAfterTest(
  t: TestAgent,
  port: number,
  opts: { releaseAfterReloadMs?: number } = {},
): { close(): Promise<void> } {
  const nginx = t.agent.rt.reconciler.deps.nginx;
  const original = nginx.test.bind(nginx);
  const reload = nginx.reload.bind(nginx);
  let busy: Deno.Listener | null = null;
  nginx.test = async (dir: string) => {
    const r = await original(dir);
    if (r.ok && !busy) busy = Deno.listen({ hostname: "127.0.0.1", port });
    return r;
  };
  // The holder lets go while nginx retries (it retries every 500 ms, five times).
  if (opts.releaseAfterReloadMs !== undefined) {
    nginx.reload = async () => {
      const r = await reload();
      if (busy) {
        setTimeout(() => {
          busy?.close();
          busy = null;
        }, opts.releaseAfterReloadMs);
      }
      return r;
    };
  }
  return {
    async close() {
      nginx.test = original;
      nginx.reload = reload;
      if (opts.releaseAfterReloadMs !== undefined) return void busy?.close();
      for (let i = 0; busy && i < 100; i++) {
        const log = await Deno.readTextFile(t.settings.nginx_error_log).catch(() => "");
        if (log.includes("still could not bind()")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      busy?.close();
    },
  };
}
