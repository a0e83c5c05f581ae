// Who listens on a TCP port: /proc/net/tcp{,6} give the socket inode of a
// LISTEN entry, /proc/<pid>/fd links name the process holding it. Linux only;
// null when it cannot be told (another user's process, no /proc).
const LISTEN_STATE = "0A";

function inodesListening(table: string, port: number): Set<string> {
  const out = new Set<string>();
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = f[1];
    const p = parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (p === port && f[3] === LISTEN_STATE) out.add(f[9]);
  }
  return out;
}

export function portOwner(port: number): { pid: number; name: string } | null {
  const inodes = new Set<string>();
  for (const t of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      for (const i of inodesListening(Deno.readTextFileSync(t), port)) inodes.add(i);
    } catch { /* no such table */ }
  }
  if (!inodes.size) return null;
  try {
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        for (const fd of Deno.readDirSync(`/proc/${e.name}/fd`)) {
          const m = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${e.name}/fd/${fd.name}`));
          if (m && inodes.has(m[1])) {
            const name = Deno.readTextFileSync(`/proc/${e.name}/comm`).trim();
            return { pid: Number(e.name), name };
          }
        }
      } catch { /* gone, or not ours to read */ }
    }
  } catch { /* no /proc */ }
  return null;
}
