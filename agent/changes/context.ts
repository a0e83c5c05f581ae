// What every change operation needs: the store, the reconciler and settings.
import type { Store } from "../store/store.ts";
import type { Reconciler } from "../nginx/reconciler.ts";
import type { Settings } from "../settings.ts";

export interface ChangeContext {
  store: Store;
  reconciler: Reconciler;
  settings: Settings;
}

export interface ChangeOptions {
  actor: string;
  ifMatch?: number;
}
