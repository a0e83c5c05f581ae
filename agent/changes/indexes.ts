// Uniqueness claims per kind, so a record restored after a refusal gets the same
// index keys its normal write path would give it. Features register theirs.
import type { Rec } from "../store/store.ts";
import type { Settings } from "../settings.ts";
import { siteClaims } from "../model/refs.ts";
import type { SiteSpec } from "../model/site.ts";

type Indexer = (rec: Rec, settings: Settings) => string[][];

const INDEXERS = new Map<string, Indexer>([
  ["site", (rec, s) => siteClaims(rec as unknown as SiteSpec & { name: string }, s)],
]);

export function registerIndexer(kind: string, fn: Indexer): void {
  INDEXERS.set(kind, fn);
}

export function indexesFor(kind: string, rec: Rec, settings: Settings): string[][] {
  return INDEXERS.get(kind)?.(rec, settings) ?? [];
}
