// Many sites at once, for the scale test and the console bench: each one a
// validated site (parsed by the site kind, as a PUT would) written through the
// store's batch path (atomic batches, claims and audit as for any write), with
// a default pool taken from a few pools made through the API.
import { writeInBatches } from "../../agent/features/resilience/batch.ts";
import type { TestAgent } from "./agent.ts";

export const siteName = (i: number) => `site-${String(i).padStart(5, "0")}`;

export async function manySites(t: TestAgent, n: number, member: string): Promise<void> {
  const pools = ["web", "api", "static"];
  for (const p of pools) {
    const r = await t.api("PUT", `/api/pools/${p}`, { members: [{ address: member }] });
    if (r.status >= 300) throw new Error(`pool ${p}: ${JSON.stringify(r.body)}`);
  }
  const kind = t.agent.rt.kinds.get("site")!;
  const ops = [];
  for (let i = 0; i < n; i++) {
    const name = siteName(i);
    const spec = kind.parse(name, {
      server_names: [`${name}.example.test`],
      default_pool: pools[i % pools.length],
    }) as Record<string, unknown>;
    ops.push({ type: "put" as const, kind: "site", name, spec });
  }
  await writeInBatches(t.agent.rt.store, ops, { actor: "test", action: "site.put" });
}
