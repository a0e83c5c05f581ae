// The fleet's key layout in etcd (shared/specs/fleet.md), under
// /switchyard/<cluster>/. Names are checked here, before they become keys:
// a "/" in a node name would put its status under another node's.
import { invalid } from "../errors.ts";
import { ENTITY_RE } from "../model/grammar.ts";

/** A cluster, node or label part: what can stand in a key without a "/". */
export const FLEET_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

function checked(field: string, v: string): string {
  if (!FLEET_NAME.test(v)) {
    throw invalid(
      field,
      "1-63 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
      { value: v },
    );
  }
  return v;
}

/** An ACME token (base64url, RFC 8555 8.3): it becomes a key and a file name. */
export const TOKEN_RE = /^[A-Za-z0-9_-]{1,255}$/;

export function checkedToken(t: string): string {
  if (!TOKEN_RE.test(t)) {
    throw invalid("token", "an ACME token is 1-255 base64url characters (A-Z a-z 0-9 _ -)", {
      value: t.slice(0, 300),
    });
  }
  return t;
}

function checkedEntity(n: string): string {
  if (!ENTITY_RE.test(n)) throw invalid("name", "not an entity name", { value: n });
  return n;
}

export interface FleetKeys {
  prefix: string;
  desired: string;
  generation: string;
  /** Held by an `agent fleet join` that needs several transactions, until its last. */
  joining: string;
  /** The canary marker (fleet/canary.ts): under desired/, so it is followed in order. */
  canary: string;
  nodes: string;
  node(name: string): string;
  registered(name: string): string;
  status(name: string): string;
  controller: string;
  /** ACME HTTP-01: `acme/challenges/<token>` (the key authorization, on a lease). */
  challenges: string;
  challenge(token: string): string;
  /** `acme/acks/<token>/<node>`: the node wrote the token into its webroot. */
  acks(token: string): string;
  ack(token: string, node: string): string;
  /** `artifacts/certs/<name>`: a certificate and its sealed key, written by the issuer. */
  artifacts: string;
  artifact(name: string): string;
  /** `acme/requests/<name>`: a node other than the controller asks it to issue. */
  certRequests: string;
  certRequest(name: string): string;
  /** What the fleet shares of a migration: its listings (blobs) and `<id>/progress`. */
  migration(name: string): string;
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
    joining: `${prefix}desired/joining`,
    canary: `${prefix}desired/canary`,
    nodes,
    node,
    registered: (n) => `${node(n)}registered`,
    status: (n) => `${node(n)}status`,
    controller: `${prefix}election/controller`,
    challenges: `${prefix}acme/challenges/`,
    challenge: (t) => `${prefix}acme/challenges/${checkedToken(t)}`,
    acks: (t) => `${prefix}acme/acks/${checkedToken(t)}/`,
    ack: (t, n) => `${prefix}acme/acks/${checkedToken(t)}/${checked("node_name", n)}`,
    artifacts: `${prefix}artifacts/certs/`,
    artifact: (n) => `${prefix}artifacts/certs/${checkedEntity(n)}`,
    certRequests: `${prefix}acme/requests/`,
    certRequest: (n) => `${prefix}acme/requests/${checkedEntity(n)}`,
    migration: (name) => `${prefix}migrations/${name}`,
    nodeKey(key) {
      if (!key.startsWith(nodes)) return undefined;
      const [n, what, ...rest] = key.slice(nodes.length).split("/");
      return n && what && !rest.length ? { node: n, what } : undefined;
    },
  };
}
