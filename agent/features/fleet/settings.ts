// The fleet feature's settings rows: where the desired state lives (this
// host's KV file, or a shared etcd), and this node's name in the fleet.
import { defineSettings, int, oneOf, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";
import { parseLabels } from "../../fleet/labels.ts";
import { FLEET_NAME } from "../../fleet/keys.ts";

const nameCheck = (v: unknown) =>
  FLEET_NAME.test(String(v))
    ? undefined
    : "1-63 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit";

/** This host's name as a node name (lowercased; other characters become '-'). */
export function hostNodeName(): string {
  let h = "node";
  try {
    h = Deno.hostname();
  } catch { /* no permission: "node" */ }
  const n = h.toLowerCase().replace(/[^a-z0-9._-]/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return n.slice(0, 63).replace(/[^a-z0-9]+$/, "") || "node";
}

export const FLEET_SETTINGS = defineSettings({
  store: oneOf(["kv", "etcd"] as const, {
    group: "Fleet",
    prod: "kv",
    description:
      "Where the desired state lives: kv (this host's state file) or etcd (shared by a fleet; the state file becomes this node's mirror)",
  }),
  etcd_endpoints: str({
    group: "Fleet",
    prod: "",
    description:
      "etcd client URLs, comma-separated (e.g. https://10.0.0.1:2379,https://10.0.0.2:2379); needed with store = etcd",
  }),
  cluster: str({
    group: "Fleet",
    prod: "default",
    check: nameCheck,
    description: "The fleet's name: its state is under /switchyard/<cluster>/ in etcd",
  }),
  node_name: str({
    group: "Fleet",
    prod: "",
    check: (v) => v === "" ? undefined : nameCheck(v),
    description:
      "This node's name in the fleet (its status key); empty: the hostname, lowercased, other characters as '-'",
  }),
  etcd_ca_file: str({
    group: "Fleet",
    prod: "",
    path: true,
    description: "PEM file of the CA that signed etcd's certificates (https:// endpoints)",
  }),
  etcd_cert_file: str({
    group: "Fleet",
    prod: "",
    path: true,
    description: "PEM client certificate for etcd members started with --client-cert-auth",
  }),
  etcd_key_file: str({
    group: "Fleet",
    prod: "",
    path: true,
    description: "PEM key of etcd_cert_file",
  }),
  etcd_user: str({
    group: "Fleet",
    prod: "",
    description: "etcd user (etcd's own auth); empty: no auth",
  }),
  etcd_password: str({
    group: "Fleet",
    prod: "",
    secret: true,
    description: "Password of etcd_user",
  }),
  node_labels: str({
    group: "Fleet",
    prod: "",
    check: (v) => {
      try {
        parseLabels(String(v));
      } catch (e) {
        return (e as Error).message;
      }
    },
    description:
      "This node's labels, key=value pairs separated by commas (e.g. role=canary,zone=a): shown in the fleet's status; agent apply --canary key=value picks the node by them",
  }),
  canary_hold: int({
    group: "Fleet",
    min: 0,
    max: 3600,
    prod: 30,
    description:
      "Seconds a canary (agent apply FILE --canary NODE) must stay healthy on its node before the other nodes apply it",
  }),
});

/** The node name the settings give (empty: the hostname's). */
export const nodeName = (s: { node_name: string }) => s.node_name || hostNodeName();

export type FleetSettings = SettingsOf<typeof FLEET_SETTINGS>;
export type FleetRuntime = Runtime<CoreSettings & FleetSettings>;
