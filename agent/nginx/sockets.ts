// Round step: listen sockets another process holds. nginx -t does not bind, so a
// `listen` on a port some other program holds passes the test and fails at the
// reload, which refuses the whole burst. Checked against the kernel's socket
// tables before testing, the group that asks for a taken socket is refused
// alone, naming the port and its holder; the rest of the burst goes on.
import type { RenderedFile } from "../render/files.ts";
import { entityId, type Rec } from "../store/store.ts";
import type { RoundPlan } from "./plan.ts";
import { describeHolders, listeningPorts, portUse } from "./port-holders.ts";

export interface SocketCheck {
  plan: RoundPlan;
  /** The agent's rendering of a state. */
  render: (state: Map<string, Rec>) => RenderedFile[];
  /** nginx's master pid (its workers are its children), or null when it is not running. */
  masterPid: () => Promise<number | null>;
}

interface Sock {
  address: string;
  port: number;
}

/** The sockets a file's `listen` directives bind (address "*" for all). */
export function listenSockets(text: string): Sock[] {
  const out: Sock[] = [];
  for (const m of text.matchAll(/^\s*listen\s+([^\s;]+)/gm)) {
    const v = m[1];
    const six = /^\[([^\]]+)\]:(\d+)$/.exec(v);
    const four = /^([^:\[]+):(\d+)$/.exec(v);
    if (six) out.push({ address: `[${six[1]}]`, port: Number(six[2]) });
    else if (four) out.push({ address: four[1], port: Number(four[2]) });
    else if (/^\d+$/.test(v)) out.push({ address: "*", port: Number(v) });
  }
  return out;
}

/** Per rendered file object: kept renders are the same objects, so each text is scanned once. */
const socketsOf = new WeakMap<RenderedFile, Sock[]>();
function fileSockets(f: RenderedFile): Sock[] {
  let socks = socketsOf.get(f);
  if (!socks) socketsOf.set(f, socks = listenSockets(f.text));
  return socks;
}

const WILD = new Set(["*", "0.0.0.0", "[::]"]);

/** Whether binding `want` clashes with a socket listening on `held` (same port). */
function clashes(want: string, held: string): boolean {
  return want === held || WILD.has(want) || WILD.has(held);
}

/**
 * Whether every holder of a port is nginx: its master or a worker of it. A holder
 * whose process is gone by the time it is looked at (parentOf null: an old worker
 * that finished draining after the last reload) holds nothing any more; counting it
 * as another program's refused the next change under load.
 */
export async function heldByNginx(
  holders: { pid: number }[],
  master: number | null,
  parent: (pid: number) => Promise<number | null> = parentOf,
): Promise<boolean> {
  if (master === null || holders.length === 0) return false;
  const mine = await Promise.all(holders.map(async (h) => {
    if (h.pid === master) return true;
    const p = await parent(h.pid);
    return p === null || p === master;
  }));
  return mine.every(Boolean);
}

async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Refuses the groups whose listen sockets another process holds; returns how many. */
export async function refuseTakenSockets(c: SocketCheck): Promise<number> {
  const wanted = new Map<string, Sock[]>();
  // Ports of entities this round does not change: nginx binds them already.
  const served = new Set<number>();
  for (const f of c.render(c.plan.state)) {
    if (!f.entity) continue;
    const group = c.plan.owner(entityId(f.entity.kind, f.entity.name));
    if (!c.plan.remaining.has(group)) {
      for (const s of fileSockets(f)) served.add(s.port);
      continue;
    }
    wanted.set(group, [...(wanted.get(group) ?? []), ...fileSockets(f)]);
  }
  // Only ports nginx does not bind yet can be taken (most rounds have none: no /proc scan).
  for (const [group, socks] of wanted) {
    const fresh = socks.filter((s) => !served.has(s.port));
    if (fresh.length) wanted.set(group, fresh);
    else wanted.delete(group);
  }
  if (wanted.size === 0) return 0;
  const table = await listeningPorts();
  const busy = [...wanted].filter(([, socks]) => socks.some((s) => table.has(s.port)));
  if (busy.length === 0) return 0;
  const master = await c.masterPid();
  let refused = 0;
  // Once per port: 10,000 new sites on the port nginx holds would each scan /proc.
  const seen = new Map<
    number,
    Promise<{ use: Awaited<ReturnType<typeof portUse>>; ours: boolean }>
  >();
  const holderOf = (port: number) => {
    if (!seen.has(port)) {
      seen.set(
        port,
        (async () => {
          const use = await portUse(port);
          return { use, ours: await heldByNginx(use.holders, master) };
        })(),
      );
    }
    return seen.get(port)!;
  };
  for (const [group, socks] of busy) {
    for (const s of socks) {
      const held = table.get(s.port);
      if (!held || !held.some((h) => clashes(s.address, h))) continue;
      const { use, ours } = await holderOf(s.port);
      if (ours || !use.listening) continue;
      const where = s.address === "*" ? `port ${s.port}` : `${s.address}:${s.port}`;
      c.plan.refuse(group, {
        code: "CONFLICT",
        message: `${group.replace("/", " ")} listens on ${where}, which ${
          describeHolders(use)
        } already holds (${use.addresses.join(", ")}): nginx could not bind it at reload`,
      });
      refused++;
      break;
    }
  }
  return refused;
}
