// An apply outcome (POST /api/config/apply, a save's `apply`, last_apply):
// status, generation, what was applied, refusals with nginx's output.
import { html } from "../html.js";

const CLASS = {
  applied: "ok",
  unchanged: "ok",
  pending: "warn",
  dry_run: "warn",
  failed: "bad",
  refused: "bad",
  reverted: "bad",
};

export function StatusBadge({ status }) {
  return html`<span class=${`badge ${CLASS[status] || ""}`}>${status}</span>`;
}

/** A refusal the agent reverted is not an outage: nginx still serves the last good generation. */
export function isReverted(outcome) {
  return outcome?.status === "failed" && (outcome.refused || []).length > 0 && !outcome.error;
}

export function ApplyOutcome({ outcome }) {
  if (!outcome) return html`<p class="muted">No apply since the agent started.</p>`;
  const refused = outcome.refused || [];
  const reverted = isReverted(outcome);
  return html`
    <dl class="facts">
      <dt>Status</dt><dd>${reverted
        ? html`
          <span class="badge warn" data-status="reverted"
            data-reverted>refused and reverted: nginx serves generation ${outcome
              .generation ?? "–"}</span>
        `
        : html`<${StatusBadge} status=${outcome.status} />`}</dd>
      ${outcome.generation != null && html`
        <dt>Generation</dt>
        <dd>${outcome.generation}</dd>
      `}
      ${outcome.at && html`
        <dt>At</dt>
        <dd>${new Date(outcome.at).toLocaleString()}</dd>
      `}
      ${outcome.duration_ms != null && html`
        <dt>Took</dt>
        <dd>${outcome.duration_ms} ms</dd>
      `}
      ${outcome.reloaded != null && html`
        <dt>Reloaded</dt>
        <dd>${outcome.reloaded ? "yes" : "no"}</dd>
      `}
      ${outcome.applied?.length > 0 && html`
        <dt>Applied</dt>
        <dd>${outcome.applied.join(", ")}</dd>
      `}
    </dl>
    ${outcome.error && html`
      <div class="error"><span class="code">${outcome.error.code}</span>${outcome.error.message}
        ${outcome.error.nginx_output && html`<pre>${outcome.error.nginx_output}</pre>`}
      </div>
    `}
    ${refused.map((r) =>
      html`
        <div class=${reverted ? "warning" : "error"} data-refused=${r.id}>
          <strong>Refused ${r.id}: </strong><span class="code">${r.code}</span>${r.message}
          ${r.nginx_output && html`<pre>${r.nginx_output}</pre>`}
        </div>
      `
    )}
    ${(outcome.warnings || []).map((w) => html`<div class="warning">${w}</div>`)}
  `;
}
