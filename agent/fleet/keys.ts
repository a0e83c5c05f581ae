// The fleet's key layout in etcd (shared/specs/fleet.md), under
// /switchyard/<cluster>/. Names are checked here, before they become keys:
// a "/" in a node name would put its status under another node's.
import { invalid } from "../errors.ts";

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

function checked(field: string, v: string): string {
  if (!NAME.test(v)) {
    throw invalid(
      field,
      "1-63 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
      { value: v },
    );
  }
  return v;
}

export interface FleetKeys {
  prefix: string;
  desired: string;
  generation: string;
  /** The canary marker (fleet/canary.ts): under desired/, so it is followed in order. */
  canary: string;
  nodes: string;
  node(name: string): string;
  registered(name: string): string;
  status(name: string): string;
  controller: string;
  /** The node a key under `nodes/` belongs to and what it is ("registered", "status"). */
  nodeKey(key: string): { node: string; what: string } | undefined;
}

export function fleetKeys(cluster: string): FleetKeys {
  const prefix = `/switchyard/${checked("cluster", cluster)}/`;
  const nodes = `${prefix}nodes/`;
  const node = (n: string) => `${nodes}${checked("node_name", n)}/`;
  return {
    prefix,
    desired: `${prefix}desired/`,
    generation: `${prefix}desired/generation`,
    canary: `${prefix}desired/canary`,
    nodes,
    node,
    registered: (n) => `${node(n)}registered`,
    status: (n) => `${node(n)}status`,
    controller: `${prefix}election/controller`,
    nodeKey(key) {
      if (!key.startsWith(nodes)) return undefined;
      const [n, what, ...rest] = key.slice(nodes.length).split("/");
      return n && what && !rest.length ? { node: n, what } : undefined;
    },
  };
}
