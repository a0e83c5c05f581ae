// Shows an API error as the API gave it: code, message, the field it names and
// nginx's own output when there is one.
import { html } from "../html.js";

function nginxOutput(err) {
  const d = err.detail || {};
  if (typeof d.nginx_output === "string") return d.nginx_output;
  const refused = d.outcome?.refused || [];
  return refused.map((r) => r.nginx_output).filter(Boolean).join("\n") || null;
}

export function ErrorBox({ error, title }) {
  if (!error) return null;
  const out = nginxOutput(error);
  return html`
    <div class="error" role="alert" data-error-code=${error.code}>
      ${title && html`<strong>${title}: </strong>`}
      <span class="code">${error.code}</span>
      <span class="message">${error.message}</span>
      ${error.field && html`<div class="hint">Field: <code>${error.field}</code></div>`}
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
