// What the store needs of the kinds to compute claims and seal secrets, and how
// it is opened. The agent's KindRegistry is the ClaimSource; tests pass their own.
import type { ListenDefaults } from "../model/listen.ts";

/** What the store asks of the kinds (the agent's KindRegistry is one). */
export interface ClaimSource {
  /** Secret field paths of a kind (sealed at rest; backups check them). */
  secretsOf(kind: string): readonly string[];
  /** Kinds only the agent writes (their names derive from others'). */
  isInternal?(kind: string): boolean;
  claimsOf(kind: string, spec: { name: string }, ctx: ListenDefaults): string[][];
  describeClaim(
    key: string[],
    holder: string,
  ): { message: string; detail?: Record<string, unknown> } | undefined;
}

export interface StoreOptions {
  /** The kinds whose claims the store computes on every write (none: no claims). */
  kinds?: ClaimSource;
  claimContext?: ListenDefaults;
  now?: () => Date;
}
