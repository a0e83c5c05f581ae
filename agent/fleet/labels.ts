// A node's labels (the node_labels setting, registered with the node) and a
// canary named by a label instead of a node: `--canary role=canary` picks the
// one registered node whose labels hold every pair given. Pure.
import { invalid } from "../errors.ts";
import type { FleetNode } from "./status.ts";
import { FLEET_NAME as PART } from "./keys.ts";

/** "k=v,k2=v2" as a record; a malformed pair is refused naming `field`. */
export function parseLabels(text: string, field = "node_labels"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [k, v, ...rest] = pair.split("=");
    if (rest.length || v === undefined || !PART.test(k) || !PART.test(v)) {
      throw invalid(
        field,
        `expected key=value pairs separated by commas (lowercase letters, digits, '.', '_', '-'), got ${
          JSON.stringify(pair)
        }`,
      );
    }
    out[k] = v;
  }
  return out;
}

/** A canary target that is a label selector ("k=v") rather than a node name. */
export const isSelector = (target: string) => target.includes("=");

/** The one registered node the selector picks; none or several is refused, naming `canary`. */
export function selectNode(nodes: FleetNode[], selector: string): string {
  const want = Object.entries(parseLabels(selector, "canary"));
  const hits = nodes.filter((n) =>
    n.registered && want.every(([k, v]) => n.registered!.labels[k] === v)
  ).map((n) => n.name);
  if (hits.length === 1) return hits[0];
  throw invalid(
    "canary",
    hits.length
      ? `the labels ${selector} select ${hits.length} nodes (${
        hits.join(", ")
      }): a canary is one node; give a label only one node has, or its name`
      : `no registered node has the labels ${selector} (set node_labels on the node)`,
  );
}
