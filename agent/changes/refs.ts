// Delete guards from the kinds' refs: a record another record needs cannot be
// deleted. Generic over every registered kind that declares refs.
import { AgentError } from "../errors.ts";
import type { KindRegistry } from "../kind.ts";
import type { Store } from "../store/store.ts";

/** Records (as "kind/name") whose refs name `kind`/`name`, sorted. */
export async function referrersOf(
  store: Store,
  kinds: KindRegistry,
  kind: string,
  name: string,
): Promise<{ kind: string; name: string }[]> {
  const out: { kind: string; name: string }[] = [];
  for (const k of kinds.list()) {
    if (!k.refs) continue;
    for (const rec of await store.list(k.name)) {
      if (k.refs(rec).some((r) => r.kind === kind && r.name === name)) {
        out.push({ kind: k.name, name: rec.name });
      }
    }
  }
  return out.sort((a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1));
}

/** CONFLICT naming the users when any record still refers to `kind`/`name`. */
export async function assertUnreferenced(
  store: Store,
  kinds: KindRegistry,
  kind: string,
  name: string,
): Promise<void> {
  const users = await referrersOf(store, kinds, kind, name);
  if (!users.length) return;
  const byKind = new Map<string, string[]>();
  for (const u of users) byKind.set(u.kind, [...(byKind.get(u.kind) ?? []), u.name]);
  const parts = [...byKind].map(([k, names]) => `${k}(s) ${names.join(", ")}`);
  throw new AgentError("CONFLICT", `${kind} "${name}" is used by ${parts.join(" and ")}`, {
    [kind]: name,
    ...Object.fromEntries([...byKind].map(([k, names]) => [`${k}s`, names])),
  });
}
