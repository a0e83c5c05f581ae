// Which members of a pool are ejected after a pass (pure). A member crossing
// `fall` is ejected unless that would leave the pool with no member serving; a
// member crossing `rise` comes back. Operator-down members are never ejected
// and never count as serving.
import type { Ejected } from "./ejection.ts";

export interface MemberView {
  address: string;
  /** Crossed `fall` and has not passed `rise` since. */
  failing: boolean;
  operatorDown: boolean;
  lastError: string | null;
}

export interface Decision {
  ejected: Ejected[];
  /** Members failing but kept in: why. */
  kept: { address: string; why: string }[];
  added: Ejected[];
  removed: string[];
}

export function decide(
  members: MemberView[],
  current: Ejected[],
  mode: "auto" | "observe",
  now: string,
): Decision {
  const present = new Map(members.map((m) => [m.address, m]));
  const kept: Decision["kept"] = [];
  if (mode === "observe") {
    for (const m of members) {
      if (m.failing && !m.operatorDown) {
        kept.push({ address: m.address, why: "health_ejection is observe" });
      }
    }
    return { ejected: [], kept, added: [], removed: current.map((c) => c.address) };
  }
  // Still ejected: present, not operator-down (the operator took it over), still failing.
  const ejected = current.filter((c) => {
    const m = present.get(c.address);
    return m && !m.operatorDown && m.failing;
  });
  const out = new Set(ejected.map((e) => e.address));
  const serving = () => members.filter((m) => !m.operatorDown && !out.has(m.address));
  const added: Ejected[] = [];
  for (const m of members) {
    if (!m.failing || m.operatorDown || out.has(m.address)) continue;
    if (serving().length <= 1) {
      kept.push({ address: m.address, why: "it is the last member serving the pool" });
      continue;
    }
    const e = { address: m.address, since: now, reason: m.lastError ?? "failed its checks" };
    out.add(m.address);
    ejected.push(e);
    added.push(e);
  }
  const removed = current.map((c) => c.address).filter((a) => !out.has(a));
  return { ejected, kept, added, removed };
}
