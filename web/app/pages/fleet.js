// Fleet (admins only): every node sharing the desired state in etcd, with the
// generation it applied, how far behind it is, its health and last error, and
// when it last reported, and which node is the controller; Fence… removes a node for good (down, or cut off)
// after a confirmation that says what it does. In kv mode: this node alone.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { usePoll } from "../ui/poll.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { toast } from "../ui/toast.js";
import { can } from "../role.js";

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
const BADGE = {
  ok: ["ok", "ok"],
  behind: ["warn", "behind"],
  held: ["warn", "held"],
  failed: ["bad", "failed"],
  no_status: ["bad", "no status"],
  unregistered: ["warn", "fenced"],
};
const WHY = {
  behind: "has not applied the current generation yet",
  held: "waits for the canary on another node to be promoted",
  no_status: "registered, but its status lease expired: down or cut off from etcd",
  unregistered: "fenced, but still reporting; not waited for until it restarts",
};

function FenceConfirm({ node, onDone, onKeep }) {
  const [error, setError] = useState(null);
  async function fence() {
    setError(null);
    try {
      await api("DELETE", `/api/fleet/nodes/${enc(node)}`);
      toast(`Fenced ${node}`);
      await onDone();
    } catch (e) {
      setError(e);
    }
  }
  return html`
    <section class="warning" role="dialog" aria-modal="false" aria-labelledby="fence-head"
      data-fence-confirm=${node}>
      <h3 id="fence-head">Fence ${node}?</h3>
      <p>Its registration and status leave etcd: writes with <code>?wait=applied</code> and
        migration barriers stop waiting for it. Fence only a node that is down for good or cut off:
        a partitioned gateway may still serve its old configuration. If it is still running it shows
        as fenced until it restarts, which registers it again.</p>
      <${ErrorBox} error=${error} title="Refused" />
      <div class="actions">
        <${Button} class="danger" onClick=${fence}
          busyText="Fencing…">Fence ${node}</${Button}>
        <${Button} onClick=${onKeep}>Keep it</${Button}>
      </div>
    </section>
  `;
}

/** The running canary (with Abort), or how the last one ended. */
function CanaryLine({ c, onDone }) {
  if (!c) return null;
  async function abort() {
    try {
      await api("POST", "/api/fleet/canary/abort", { reason: "aborted from the web UI" });
      toast(`Aborted the canary on ${c.node}`);
    } catch (e) {
      toast(`Abort refused: ${e.message}`);
    }
    await onDone();
  }
  if (c.state !== "running") {
    return html`<p data-canary=${c.state}>Last canary on <strong>${c.node}</strong>: ${c.state}
      ${when(c.ended_at)}: ${c.reason}</p>`;
  }
  return html`
    <p data-canary="running">
      <span class="badge warn">canary</span> Generation ${c.generation ?? "(being written)"} is live
      on <strong>${c.node}</strong> only; the other nodes hold at ${c
        .base_generation} until it stays
      healthy ${c.hold_s} s (${c.healthy_since
        ? `healthy since ${when(c.healthy_since)}`
        : "not yet healthy"}).
      ${" "}<${Button} class="danger" onClick=${abort} busyText="Aborting…">Abort canary</${Button}>
    </p>
  `;
}

function NodeRow({ n, etcd, onFence }) {
  const [cls, label] = BADGE[n.state] ?? ["warn", n.state];
  return html`
    <tr data-node=${n.name}>
      <td>${[n.name, n.this && "(this node)", n.controller && "(controller)"].filter(Boolean)
        .join(" ")}</td>
      <td><span class=${`badge ${cls}`} title=${WHY[n.state] ?? ""}>${label}</span></td>
      <td>${n.applied_generation ?? "–"}</td>
      <td>${n.lag ?? "–"}</td>
      <td>${when(n.reported_at)}</td>
      <td class="err">${n.error ?? ""}</td>
      <td>${etcd && html`
        <${Button} class="danger" aria-label=${`Fence ${n.name}`} onClick=${() =>
          onFence(n.name)}>Fence…</${Button}>
      `}</td>
    </tr>
  `;
}

function Fleet() {
  const { data, error, reload } = useLoad(() => api("GET", "/api/fleet"), []);
  const [fencing, setFencing] = useState(null);
  usePoll(reload, 3000, can("admin") && !fencing);
  if (!can("admin")) {
    return html`
      <h1>Fleet</h1>
      <p>Only an admin sees the fleet.</p>
    `;
  }
  const etcd = data?.store === "etcd";
  return html`
    <div class="page-head">
      <h1>Fleet</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`
      <p data-fleet=${data.store}>
        ${etcd
          ? html`Cluster <strong>${data.cluster}</strong>, generation ${data.generation}. ${
            data.stale
              ? html`<span class="badge warn">stale</span> This node is out of touch with etcd
                (${data.stale_reason}): what it shows may be behind.`
              : ""
          }`
          : html`This agent is not in a fleet (<code>store = "kv"</code>): the fleet is this node.`}
      </p>
      <${CanaryLine} c=${data.canary} onDone=${reload} />
      ${fencing && html`
        <${FenceConfirm} node=${fencing} onKeep=${() => setFencing(null)} onDone=${async () => {
          setFencing(null);
          await reload();
        }} />
      `}
      <section class="panel table-wrap" aria-labelledby="fleet-nodes">
        <h2 id="fleet-nodes">Nodes</h2>
        <table>
          <thead>
            <tr>
              <th>Node</th>
              <th>Health</th>
              <th>Generation</th>
              <th>Lag</th>
              <th>Last seen</th>
              <th>Last error</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${data.nodes.map((n) =>
              html`<${NodeRow} key=${n.name} n=${n} etcd=${etcd} onFence=${setFencing} />`
            )}
          </tbody>
        </table>
      </section>
    `}
  `;
}

definePage({ path: "/fleet", title: "Fleet", component: Fleet, admin: true });
