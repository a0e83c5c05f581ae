// Dashboard: is nginx running, which generation serves, why health is
// degraded (with links), drift, certificates about to expire, what is pending
// (as diffs, with Apply and Discard), how the last apply ended, and the
// agent's warnings. Counts come from /api/console/counts, never whole lists.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { DiffView } from "../ui/diff-view.js";
import { toast } from "../ui/toast.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { ApplyOutcome } from "../ui/outcome.js";
import { ActiveMigrations } from "./migration-progress.js";

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
  "scheduler",
  "drift",
  "migrations", // the Migrations panel below
]);

// The quick answers first (health, counts, certificates); the config status
// (pending changes, drift, last apply) fills in when it arrives.
async function loadQuick() {
  const [health, counts, certs] = await Promise.all([
    api("GET", "/api/health"),
    api("GET", "/api/console/counts"),
    api("GET", "/api/certs?sort=not_after&per_page=6").catch(() => null),
  ]);
  return { health, counts: counts.counts, certs: certs?.items ?? [] };
}

/** Why health is degraded, each cause with a link to where it is fixed. */
export function healthReasons(health, status) {
  if (Array.isArray(health.reasons)) {
    return health.reasons.map((r) => ({ text: String(r.message ?? r) }));
  }
  const out = [];
  const n = health.nginx || {};
  if (n.installed && !n.running) out.push({ text: "nginx is not running", href: "#/config" });
  const c = health.certificates;
  for (const name of c?.failed ?? []) {
    const why = c.last_errors?.[name];
    out.push({
      text: `certificate ${name} failed${why ? `: ${why.message ?? why}` : ""}`,
      href: `#/certs/edit/${enc(name)}`,
    });
  }
  for (const name of c?.expired ?? []) {
    out.push({ text: `certificate ${name} has expired`, href: `#/certs/edit/${enc(name)}` });
  }
  if (health.resilience?.hold) {
    out.push({ text: "the state was lost: a hold keeps nginx as it is", href: "#/drift" });
  }
  const drift = status?.drift;
  if (drift && !drift.ok) {
    out.push({ text: `${drift.files.length} managed file(s) drifted`, href: "#/drift" });
  }
  if (health.status !== "ok" && out.length === 0) {
    out.push({ text: "a feature reports degraded: see /api/health", href: "/api/health" });
  }
  return out;
}

function CertStrip({ certs }) {
  const soon = certs.filter((c) => c.not_after);
  if (!soon.length) return null;
  return html`
    <div class="strip" aria-label="Certificate expiry" data-cert-strip>
      ${soon.map((c) => {
        const days = Math.floor((Date.parse(c.not_after) - Date.now()) / 86400000);
        const cls = days < 0 ? "bad" : days < 21 ? "warn" : "ok";
        return html`<a class=${`badge ${cls}`} href=${`#/certs/edit/${enc(c.name)}`}>${c.name}: ${
          days < 0 ? "expired" : `${days} days`
        }</a>`;
      })}
    </div>
  `;
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

function PendingDiffs({ count, onChanged }) {
  const { data, error, reload } = useLoad(() => api("GET", "/api/console/pending"), [count]);
  const [discardError, setDiscardError] = useState(null);
  async function discard(id) {
    if (
      !confirm(`Discard the pending change of ${id}? The record goes back to what nginx serves.`)
    ) {
      return;
    }
    setDiscardError(null);
    try {
      await api("POST", "/api/console/pending/discard", { id });
      toast(`Discarded the pending change of ${id}`);
    } catch (e) {
      setDiscardError(e);
    }
    await reload();
    onChanged();
  }
  return html`
    <${ErrorBox} error=${error || discardError} />
    ${data && html`
      <ul class="pending">
        ${data.pending.map((p) =>
          html`
            <li data-pending=${p.id}>
              <code>${p.id}</code> <span class="badge">${p.action}</span>
              <${Button} class="link" onClick=${() => discard(p.id)} busyText="Discarding…"
                aria-label=${`Discard ${p.id}`}>Discard</${Button}>
              <details>
                <summary>Diff of <code>${p.file}</code></summary>
                <${DiffView} diff=${p.diff} label=${`pending diff ${p.id}`} />
              </details>
            </li>
          `
        )}
      </ul>
    `}
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
      <${PendingDiffs} count=${status.pending_count}
        onChanged=${onApplied} />
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

/** Why the agent is degraded (and notes), each linking to the page that fixes it. */
function Reasons({ reasons }) {
  if (!reasons.length) return null;
  return html`
    <section class="panel" aria-labelledby="dash-why">
      <h2 id="dash-why">Why</h2>
      <ul class="reasons">
        ${reasons.map((r) =>
          html`
            <li data-reason=${r.degraded ? "degraded" : "note"}>
              <span class=${`badge ${r.degraded ? "bad" : "warn"}`}>${r.degraded
                ? "degraded"
                : "note"}</span>
              <a href=${r.link}>${r.message}</a>
            </li>
          `
        )}
      </ul>
    </section>
  `;
}

function Dashboard() {
  const quick = useLoad(loadQuick, []);
  const st = useLoad(() => api("GET", "/api/config/status"), []);
  const data = quick.data;
  const status = st.data;
  const reload = () => Promise.all([quick.reload(), st.reload()]);
  const extra = status ? Object.entries(status).filter(([k]) => !CORE.has(k)) : [];
  const drift = status?.drift;
  const wait = html`<p class="muted">Loading…</p>`;
  return html`
    <div class="page-head">
      <h1>Dashboard</h1>
      <${Button} onClick=${reload} busy=${quick.loading ||
        st.loading} busyText="Refreshing…">Refresh</${Button}>
    </div>
    <${ErrorBox} error=${quick.error || st.error} />
    ${data && html`
      ${(status?.warnings ?? []).map((w) => html`<div class="warning" role="status">${w}</div>`)}
      <${Reasons} reasons=${data.health.reasons || []} />
      ${drift && !drift.ok && html`
        <div class="warning" role="status" data-drift-badge>
          <span class="badge warn">drift</span> ${drift.files.length} managed file${drift.files
              .length === 1
            ? ""
            : "s"} changed by hand: <a href="#/drift">review in Drift</a>.
        </div>
      `}
      <${CertStrip} certs=${data.certs} />
      <${ActiveMigrations} />
      <div class="grid">
        <section class="panel" aria-labelledby="dash-agent">
          <h2 id="dash-agent">Agent</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd><span class=${`badge ${data.health.status === "ok" ? "ok" : "bad"}`}>${data.health
              .status}</span>${drift && !drift.ok &&
              html`
                <a class="badge warn" href="#/drift" data-health-drift>drift</a>
              `}</dd>
            <dt>Version</dt>
            <dd>${data.health.version}${data.health.dev ? " (dev mode)" : ""}</dd>
            <dt>Up</dt>
            <dd>${Math.round(data.health.uptime_s / 60)} min</dd>
            ${Object.entries(data.counts).map(([k, n]) =>
              html`
                <dt>${k[0].toUpperCase() + k.slice(1)}</dt>
                <dd><a href=${`#/${k}`} data-count=${k}>${n.toLocaleString("en")}</a></dd>
              `
            )}
            ${status?.buckets && html`
              <dt>Unrouted buckets</dt>
              <dd data-unrouted-buckets><a href="#/buckets">${status?.buckets
                .unrouted}</a>${status?.buckets.routed_target_missing > 0 && html`
                <span class="badge bad">${status?.buckets
                  .routed_target_missing} routed, missing on their pool</span>
              `}</dd>
            `}
          </dl>
        </section>
        <section class="panel" aria-labelledby="dash-nginx">
          <h2 id="dash-nginx">nginx</h2>
          <${Nginx} nginx=${data.health.nginx} />
        </section>
        <section class="panel" aria-labelledby="dash-gen">
          <h2 id="dash-gen">Configuration</h2>
          ${status
            ? html`
              <dl class="facts">
                <dt>Generation</dt>
                <dd>${status.generation ?? "none yet"}</dd>
                <dt>Hash</dt>
                <dd class="mono">${(status.config_hash || "–").slice(0, 16)}</dd>
              </dl>
              <${Pending} status=${status} onApplied=${reload} />
            `
            : wait}
        </section>
      </div>
      <section class="panel" aria-labelledby="dash-last" data-loaded=${status ? "yes" : "no"}>
        <h2 id="dash-last">Last apply</h2>
        ${status ? html`<${ApplyOutcome} outcome=${status.last_apply} />` : wait}
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
