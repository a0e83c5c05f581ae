// nginx's stub_status on loopback (metrics_stub_status_port): the server block
// the agent renders, and the reader of its page.
import type { RenderExtension } from "../../render/files.ts";

export const STUB_FILE = "health-stub-status.conf";

export function stubStatusServer(port: number): string {
  return `# Managed by Switchyard: nginx stub_status for /metrics (metrics_stub_status_port).
server {
    listen 127.0.0.1:${port};
    server_name _;
    access_log off;
    location = /stub_status {
        stub_status;
        allow 127.0.0.1;
        deny all;
    }
    location / {
        return 404;
    }
}
`;
}

/** The port is read when the agent is built (the holder is per agent). */
export function stubStatusExtension(holder: { port: number }): RenderExtension {
  return {
    name: "health-stub-status",
    files: () => holder.port > 0 ? [{ name: STUB_FILE, text: stubStatusServer(holder.port) }] : [],
  };
}

export interface StubStatus {
  active: number;
  accepts: number;
  handled: number;
  requests: number;
  reading: number;
  writing: number;
  waiting: number;
}

/** Parses "Active connections: 1\n server accepts handled requests\n 3 3 5\nReading: 0 Writing: 1 Waiting: 0". */
export function parseStubStatus(text: string): StubStatus | null {
  const active = /Active connections:\s*(\d+)/.exec(text);
  const counts = /\n\s*(\d+)\s+(\d+)\s+(\d+)\s*\n/.exec(text);
  const rw = /Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/.exec(text);
  if (!active || !counts || !rw) return null;
  return {
    active: Number(active[1]),
    accepts: Number(counts[1]),
    handled: Number(counts[2]),
    requests: Number(counts[3]),
    reading: Number(rw[1]),
    writing: Number(rw[2]),
    waiting: Number(rw[3]),
  };
}

export async function readStubStatus(port: number): Promise<StubStatus | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/stub_status`, {
      signal: AbortSignal.timeout(1000),
    });
    const text = await r.text();
    return r.ok ? parseStubStatus(text) : null;
  } catch {
    return null;
  }
}
