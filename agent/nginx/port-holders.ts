// Who listens on a TCP port (used by the apply round and by projects): the kernel's socket tables (/proc/net/tcp, tcp6)
// give the listening socket's inode, and /proc/<pid>/fd links name the process
// that holds it (`ss -ltnp` reads the same). Read-only; root sees every process.

export interface PortHolder {
  pid: number;
  /** /proc/<pid>/comm */
  name: string;
  cmdline: string;
}

export interface PortUse {
  listening: boolean;
  /** Local addresses listening on the port, e.g. 127.0.0.1:9001, [::]:9001 */
  addresses: string[];
  holders: PortHolder[];
  /** Sockets whose process could not be found (another user's, without root). */
  unknown: number;
}

function hexToIpv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255].join(".");
}

function hexToIpv6(hex: string): string {
  // Four little-endian 32-bit words.
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) {
    const le = hex.slice(i * 8, i * 8 + 8).match(/../g)!.reverse().join("");
    groups.push(parseInt(le.slice(0, 4), 16).toString(16), parseInt(le.slice(4), 16).toString(16));
  }
  // RFC 5952: the longest run of zero groups (two or more) becomes "::".
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best[1] && j - i >= 2) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0] < 0) return groups.join(":");
  const head = groups.slice(0, best[0]).join(":");
  const tail = groups.slice(best[0] + best[1]).join(":");
  return `${head}::${tail}`;
}

/** Listening sockets on `port` from /proc/net/tcp{,6}: inode -> address. */
export async function listeningSockets(port: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [file, v6] of [["/proc/net/tcp", false], ["/proc/net/tcp6", true]] as const) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue; // 0A = LISTEN
      const [addrHex, portHex] = f[1].split(":");
      if (parseInt(portHex, 16) !== port) continue;
      const addr = v6 ? `[${hexToIpv6(addrHex)}]` : hexToIpv4(addrHex);
      out.set(f[9], `${addr}:${port}`);
    }
  }
  return out;
}

/** Every listening TCP socket: port -> local addresses (one read of each table). */
export async function listeningPorts(): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const [file, v6] of [["/proc/net/tcp", false], ["/proc/net/tcp6", true]] as const) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue;
      const [addrHex, portHex] = f[1].split(":");
      const port = parseInt(portHex, 16);
      const addr = v6 ? `[${hexToIpv6(addrHex)}]` : hexToIpv4(addrHex);
      out.set(port, [...(out.get(port) ?? []), addr]);
    }
  }
  return out;
}

/** Is anything listening on the port (any address)? */
export async function isListening(port: number): Promise<boolean> {
  return (await listeningSockets(port)).size > 0;
}

/** The processes holding listening sockets on `port`. */
export async function portUse(port: number): Promise<PortUse> {
  const sockets = await listeningSockets(port);
  const use: PortUse = {
    listening: sockets.size > 0,
    addresses: [...new Set(sockets.values())].sort(),
    holders: [],
    unknown: 0,
  };
  if (sockets.size === 0) return use;
  const wanted = new Set([...sockets.keys()].map((i) => `socket:[${i}]`));
  const found = new Set<string>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const pid = Number(e.name);
    let hit = false;
    try {
      for await (const fd of Deno.readDir(`/proc/${pid}/fd`)) {
        let link: string;
        try {
          link = await Deno.readLink(`/proc/${pid}/fd/${fd.name}`);
        } catch {
          continue;
        }
        if (wanted.has(link)) {
          found.add(link);
          hit = true;
        }
      }
    } catch {
      continue; // gone, or not ours to read
    }
    if (!hit) continue;
    const name = (await Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "?")).trim();
    const cmdline = (await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => ""))
      .split("\0").filter(Boolean).join(" ");
    use.holders.push({ pid, name, cmdline });
  }
  use.unknown = [...wanted].filter((w) => !found.has(w)).length;
  return use;
}

/** "nginx (pid 12: nginx: master process ...)" for messages; workers sharing the socket folded. */
export function describeHolders(u: PortUse): string {
  if (u.holders.length === 0) {
    const port = u.addresses[0]?.split(":").pop();
    return `a process the agent cannot see (listening on ${u.addresses.join(", ")}; ` +
      `try: ss -ltnp 'sport = :${port}')`;
  }
  const shown = u.holders.slice(0, 2).map((h) =>
    `${h.name} (pid ${h.pid}${h.cmdline ? `: ${h.cmdline.slice(0, 100)}` : ""})`
  );
  const more = u.holders.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` and ${more} more process(es)` : "");
}
