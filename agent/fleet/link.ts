// What other features reach of the fleet (store = "etcd"): the etcd client,
// the key layout, this node's name and whether it is the controller now. The
// fleet feature provides it; null in kv mode (a single host) and before init.
import { serviceKey } from "../runtime.ts";
import type { Etcd } from "./etcd.ts";
import type { FleetKeys } from "./keys.ts";

export interface FleetLink {
  etcd: Etcd;
  keys: FleetKeys;
  node: string;
  /** This node is the fleet's controller now (it runs the fleet's jobs and ACME). */
  leading(): boolean;
  /** The controller etcd names (null: none elected yet). */
  controller(): Promise<string | null>;
  /** The generation this node's mirror holds (after its own writes). */
  generation(): Promise<number>;
  /** The etcd settings a helper process (certbot's hooks) needs to reach the same fleet. */
  settings: Record<string, string>;
}

export const FLEET_LINK = serviceKey<() => FleetLink | null>("fleet-link");
