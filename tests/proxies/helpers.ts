// Shared pieces of the proxies tests: an agent with a real nginx, snapshots
// that prove "nothing changed", and upstreams that misbehave in real ways.
import {
  freePort,
  startTestAgent,
  type TestAgent,
  type TestAgentOptions,
} from "../helpers/agent.ts";

export function startProxiesAgent(opts: TestAgentOptions = {}): Promise<TestAgent> {
  return startTestAgent({
    ...opts,
    overrides: { proxy_health_timeout: 2, ...opts.overrides },
  });
}

/** Every KV entry (key and versionstamp): equal snapshots mean nothing was written. */
export async function kvSnapshot(t: TestAgent): Promise<string[]> {
  const out: string[] = [];
  for await (const e of t.agent.rt.store.kv.list({ prefix: [] })) {
    out.push(`${JSON.stringify(e.key)}@${e.versionstamp}`);
  }
  return out;
}

/** Every file under the agent's nginx directory with its content, and where `current` points. */
export async function filesSnapshot(t: TestAgent): Promise<Record<string, string>> {
  const root = t.settings.nginx_dir;
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isSymlink) out[p] = `-> ${await Deno.readLink(p)}`;
      else if (e.isDirectory) await walk(p);
      else out[p] = await Deno.readTextFile(p);
    }
  };
  await walk(root);
  return out;
}

/**
 * An upstream that answers GET /health when asked with Host 127.0.0.1:<port>
 * (the agent's own health check) and closes the connection without a word for
 * any other Host, as name-based servers that refuse unknown virtual hosts do.
 * nginx forwards the proxy's domain as Host, so it never gets an answer.
 */
export function vhostOnlyUpstream(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  (async () => {
    for await (const conn of listener) {
      (async () => {
        try {
          const buf = new Uint8Array(8192);
          const n = await conn.read(buf);
          const head = new TextDecoder().decode(buf.subarray(0, n ?? 0));
          const host = /\r\nhost:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
          if (host === `127.0.0.1:${port}`) {
            await conn.write(
              new TextEncoder().encode(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
              ),
            );
          }
        } catch { /* the peer went away */ }
        try {
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })().catch(() => {});
  return { port, close: () => listener.close() };
}

/** A port nothing listens on. */
export function deadPort(): number {
  return freePort();
}
