// One pool's members as the active health checks see them (#/pools/health/<name>):
// status, last check, last error, latency, and why a failing member is still in.
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";

const CLS = { healthy: "ok", unhealthy: "bad", ejected: "warn", unknown: "" };

export function PoolHealth({ name }) {
  const { data, error, loading, reload } = useLoad(
    () => api("GET", `/api/pools/${enc(name)}/health`),
    [name],
  );
  return html`
    <div class="page-head">
      <h1>Health of pool ${name}</h1>
      <${Button} onClick=${reload} busy=${loading} busyText="Refreshing…">Refresh</${Button}>
    </div>
    <p><a href="#/pools">Back to pools</a> · <a href=${`#/pools/edit/${
      enc(name)
    }`}>Edit pool</a></p>
    <${ErrorBox} error=${error} />
    ${data && html`
      ${data.reasons.map((r) => html`<div class="warning" role="status">${r.message}</div>`)}
      ${!data.health_check && data.members.length === 0 && html`
        <p class="muted">This pool has no health_check: its members are not probed.</p>
      `}
      <div class="panel table-wrap">
        <table>
          <thead>
            <tr>
              <th>Member</th>
              <th>Status</th>
              <th>Last check</th>
              <th class="num">Latency</th>
              <th>Last error</th>
              <th class="num">Transitions</th>
            </tr>
          </thead>
          <tbody>
            ${data.members.map((m) =>
              html`
                <tr data-member=${m.address}>
                  <td><code>${m.address}</code>${m.operator_down && html`
                    <span class="badge">down (operator)</span>
                  `}</td>
                  <td><span class=${`badge ${CLS[m.status] || ""}`}>${m.status}</span>
                    ${m.not_ejected &&
                      html`<div class="hint">not ejected: ${m.not_ejected}</div>`}</td>
                  <td>${m.last_check_at ? new Date(m.last_check_at).toLocaleTimeString() : "–"}</td>
                  <td class="num">${m.latency_ms == null ? "–" : `${m.latency_ms} ms`}</td>
                  <td>${m.last_error || ""}</td>
                  <td class="num">${m.transitions}</td>
                </tr>
              `
            )}
          </tbody>
        </table>
      </div>
    `}
  `;
}
