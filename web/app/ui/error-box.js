// Shows an API error as the operator reads it: the field named by its label on
// the page ("Route 2 path", not "routes[1].path"), the code, nginx's own output
// when there is one, and what to do next. A refusal by nginx is the agent's own
// revert, never "someone changed this record".
import { html } from "../html.js";
import { fieldMatches } from "./form.js";

function nginxOutput(err) {
  const d = err.detail || {};
  if (typeof d.nginx_output === "string") return d.nginx_output;
  const refused = d.outcome?.refused || [];
  return refused.map((r) => r.nginx_output).filter(Boolean).join("\n") || null;
}

/** The label text of the input a field path names, when that input is on the page. */
export function labelFor(field) {
  if (!field || typeof document === "undefined") return null;
  const el = [...document.querySelectorAll("[data-field]")]
    .filter((e) => fieldMatches(field, e.dataset.field))
    .sort((a, b) => b.dataset.field.length - a.dataset.field.length)[0];
  if (!el) return null;
  const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  const text = (label?.textContent || el.getAttribute("aria-label") || "").trim();
  return text || null;
}

/** The message with its leading "routes[1].path:" replaced by the field's label. */
export function withLabel(err) {
  const f = err.field;
  if (!f || !err.message.startsWith(`${f}: `)) return err.message;
  const label = labelFor(f);
  return label ? `${label}: ${err.message.slice(f.length + 2)}` : err.message;
}

export function ErrorBox({ error, title }) {
  if (!error) return null;
  const out = nginxOutput(error);
  const reverted = error.detail?.current_version !== undefined;
  const label = error.field && labelFor(error.field);
  return html`
    <div class="error" role="alert" data-error-code=${error.code}>
      ${title && html`<strong>${title}: </strong>`}
      <span class="code">${error.code}</span>
      <span class="message">${withLabel(error)}</span>
      ${error.field &&
        html`<div class="hint">Field: ${
          label
            ? html`<strong>${label}</strong> (<code>${error.field}</code>)`
            : html`<code>${error.field}</code>`
        }</div>`}
      ${reverted && html`
        <div class="hint"
          data-reverted>Refused and reverted: nginx keeps serving generation ${error
            .detail.generation ?? "–"}. Your draft is kept; fix it and Save again.</div>
      `}
      ${error.code === "PRECONDITION_FAILED" && html`
        <div class="hint">Someone changed this record meanwhile: reload it to see their version
          (your input here is kept until you leave the page).</div>
      `}
      ${error.status === 401 && html`
        <div class="hint">Your session ended. <a href="/login" target="_blank" rel="noopener">Log in
          again in a new tab</a>, then save again: your input here is kept.</div>
      `}
      ${out && html`<pre>${out}</pre>`}
    </div>
  `;
}
