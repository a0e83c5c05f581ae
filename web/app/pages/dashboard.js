// Dashboard: is nginx running, which generation serves, what is pending (with
// Apply), how the last apply ended, and the agent's warnings.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { ApplyOutcome } from "../ui/outcome.js";

// Sections of /api/config/status this page shows itself; the rest come from features.
const CORE = new Set([
  "generation",
  "config_hash",
  "apply_mode",
  "pending",
  "pending_count",
  "nginx",
  "last_apply",
  "warnings",
]);

async function loadAll() {
  const [health, status, pools, sites] = await Promise.all([
    api("GET", "/api/health"),
    api("GET", "/api/config/status"),
    api("GET", "/api/pools"),
    api("GET", "/api/sites"),
  ]);
  return { health, status, pools: pools.pools.length, sites: sites.sites.length };
}

function Nginx({ nginx }) {
  return html`
    <dl class="facts">
      <dt>Running</dt>
      <dd>${nginx.running
        ? html`<span class="badge ok">running</span> pid ${nginx.pid}`
        : html`<span class="badge bad">${
          nginx.installed ? "not running" : "not installed (dry run)"
        }</span>`}</dd>
      <dt>Version</dt>
      <dd>${nginx.version || "unknown"}</dd>
      <dt>Last reload</dt>
      <dd>${nginx.last_reload_at
        ? new Date(nginx.last_reload_at).toLocaleString()
        : "none yet"}</dd>
      <dt>Reloads</dt>
      <dd>${nginx.reloads}</dd>
    </dl>
  `;
}

function Pending({ status, onApplied }) {
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const showApply = status.apply_mode === "manual" || status.pending_count > 0;
  async function apply() {
    setError(null);
    setResult(null);
    try {
      setResult(await api("POST", "/api/config/apply"));
    } catch (e) {
      setError(e);
    }
    onApplied();
  }
  return html`
    <p>
      Apply mode <strong>${status.apply_mode}</strong>:
      ${status.pending_count === 0
        ? " nothing pending."
        : ` ${status.pending_count} change${status.pending_count === 1 ? "" : "s"} not yet served.`}
    </p>
    ${status.pending.length > 0 && html`
      <ul class="pending">
        ${status.pending.map((p) =>
          html`<li><code>${p.id}</code> <span class="badge">${p.action}</span></li>`
        )}
      </ul>
    `}
    ${showApply && html`
      <${Button} class="primary" onClick=${apply} busyText="Applying…">Apply now</${Button}>
    `}
    <${ErrorBox} error=${error} title="Apply failed" />
    ${result &&
      html`<div class="success" role="status">Apply finished: ${result.status}${
        result.generation != null ? `, generation ${result.generation}` : ""
      }.</div>`}
  `;
}

function Dashboard() {
  const { data, error, loading, reload } = useLoad(loadAll, []);
  const extra = data ? Object.entries(data.status).filter(([k]) => !CORE.has(k)) : [];
  return html`
    <div class="page-head">
      <h1>Dashboard</h1>
      <${Button} onClick=${reload} busy=${loading} busyText="Refreshing…">Refresh</${Button}>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`
      ${data.status.warnings.map((w) => html`<div class="warning" role="status">${w}</div>`)}
      <div class="grid">
        <section class="panel" aria-labelledby="dash-agent">
          <h2 id="dash-agent">Agent</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd><span class=${`badge ${data.health.status === "ok" ? "ok" : "bad"}`}>${data.health
              .status}</span></dd>
            <dt>Version</dt>
            <dd>${data.health.version}${data.health.dev ? " (dev mode)" : ""}</dd>
            <dt>Up</dt>
            <dd>${Math.round(data.health.uptime_s / 60)} min</dd>
            <dt>Pools</dt>
            <dd><a href="#/pools">${data.pools}</a></dd>
            <dt>Sites</dt>
            <dd><a href="#/sites">${data.sites}</a></dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="dash-nginx">
          <h2 id="dash-nginx">nginx</h2>
          <${Nginx} nginx=${data.status.nginx} />
        </section>
        <section class="panel" aria-labelledby="dash-gen">
          <h2 id="dash-gen">Configuration</h2>
          <dl class="facts">
            <dt>Generation</dt>
            <dd>${data.status.generation ?? "none yet"}</dd>
            <dt>Hash</dt>
            <dd class="mono">${(data.status.config_hash || "–").slice(0, 16)}</dd>
          </dl>
          <${Pending} status=${data.status} onApplied=${reload} />
        </section>
      </div>
      <section class="panel" aria-labelledby="dash-last">
        <h2 id="dash-last">Last apply</h2>
        <${ApplyOutcome} outcome=${data.status.last_apply} />
      </section>
      ${extra.map(([k, v]) =>
        html`
          <section class="panel">
            <details>
              <summary><strong>${k}</strong></summary>
              <pre>${JSON.stringify(v, null, 2)}</pre>
            </details>
          </section>
        `
      )}
    `}
  `;
}

definePage({ path: "/", title: "Dashboard", component: Dashboard });
