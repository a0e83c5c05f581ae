// A kind registry for store tests that run without the real kinds: a "site"
// claims (80, name) for every name in its spec's `claims` list, as the store
// tests before kinds passed those claims by hand.
import { KindRegistry } from "../../agent/kind.ts";

export function claimingKinds(): KindRegistry {
  const r = new KindRegistry();
  r.add({
    name: "site",
    plural: "sites",
    schema: undefined as never,
    parse: () => {
      throw new Error("not used");
    },
    claims: (rec) =>
      ((rec as { claims?: string[] }).claims ?? []).map((n) => ["server_name", "80", n]),
    examples: () => [],
  });
  return r;
}
