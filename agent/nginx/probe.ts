// The generation probe: every candidate carries a server of the agent's own that
// answers, on loopback only, with the candidate's configuration hash. A request
// that gets the new hash was answered by a worker of the new generation, so the
// change is live: the round answers then, instead of waiting ~100 ms more for
// nginx's master to tell the old workers to stop accepting (they drain in the
// background; GET /api/config/status counts them as nginx.workers_draining).
// The price: for those ~100 ms a request may still reach an old worker, so
// reload_probe is off by default (read-your-writes: the answer waits for the old
// workers to stop accepting, as before). The probe listens exactly
// where sites listen by default (bind_address, http_port), so it opens no
// socket of its own once a site uses the defaults; its file sorts last, so it is
// never the default server of that port. `reload_probe = "off"` renders nothing.
import type { RenderedFile } from "../render/tree.ts";

export const PROBE_FILE = "zz-switchyard-probe.conf";
export const PROBE_HOST = "switchyard-probe.invalid";

export interface ProbeTarget {
  /** Where the agent sends the probe request. */
  connect: string;
  port: number;
  /** The listen directive's address part ("" listens on every address, as sites do). */
  listen: string;
}

/** From the core settings; null when the probe is off or there is no HTTP port. */
export function probeTarget(
  s: { http_port?: number; bind_address?: string; reload_probe?: string },
): ProbeTarget | null {
  if (s.reload_probe !== "on" || !s.http_port) return null;
  const addr = s.bind_address ?? "";
  const connect = !addr || addr === "0.0.0.0" ? "127.0.0.1" : addr === "::" ? "::1" : addr;
  return { connect, port: s.http_port, listen: addr };
}

export function probeFile(t: ProbeTarget, hash: string): RenderedFile {
  const host = t.listen.includes(":") ? `[${t.listen}]` : t.listen;
  return {
    name: PROBE_FILE,
    text: `# Managed by Switchyard: the generation probe (loopback only), see reload_probe.
server {
    listen ${host ? `${host}:` : ""}${t.port};
    server_name ${PROBE_HOST};
    access_log off;
    allow 127.0.0.1;
    allow ::1;
    deny all;
    location = /switchyard-generation {
        default_type text/plain;
        return 200 "${hash}";
    }
}
`,
  };
}

/** The hash the probe answers with now, or null (refused, timed out, another server). */
export async function probeAnswer(t: ProbeTarget, timeoutMs = 500): Promise<string | null> {
  let conn: Deno.Conn | null = null;
  const timer = setTimeout(() => conn?.close(), timeoutMs);
  try {
    conn = await Deno.connect({ hostname: t.connect, port: t.port });
    const req = `GET /switchyard-generation HTTP/1.0\r\nHost: ${PROBE_HOST}\r\n\r\n`;
    await conn.write(new TextEncoder().encode(req));
    let text = "";
    const buf = new Uint8Array(4096);
    while (text.length < 16384) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    const m = /^HTTP\/1\.\d 200 [^]*?\r\n\r\n([0-9a-f]{16,64})\s*$/.exec(text);
    return m ? m[1] : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* closed by the timer */ }
  }
}

/** The candidate's files with the probe added when it is on (after hashing: it carries the hash). */
export function withProbe(
  s: Parameters<typeof probeTarget>[0],
  files: RenderedFile[],
  hash: string,
): RenderedFile[] {
  const t = probeTarget(s);
  return t ? [...files, probeFile(t, hash)] : files;
}
