// What every change operation needs: the store, the reconciler and settings.
import type { Store } from "../store/store.ts";
import type { KindRegistry } from "../kind.ts";
import type { Reconciler } from "../nginx/reconciler.ts";
import type { Settings } from "../settings.ts";

export interface ChangeContext {
  store: Store;
  /** The agent's kinds (delete guards from their refs). */
  kinds: KindRegistry;
  reconciler: Reconciler;
  settings: Settings;
}

export interface ChangeOptions {
  actor: string;
  ifMatch?: number;
}
