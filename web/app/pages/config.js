// Config: prove the desired state with nginx -t, apply pending changes,
// reload nginx, and the generations on disk (the history of applies).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { ApplyOutcome } from "../ui/outcome.js";

function causeText(cause) {
  if (!cause || typeof cause !== "object") return "";
  return Object.entries(cause)
    .filter(([, v]) => v !== null && v !== "" && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) =>
      `${k}: ${Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : v}`
    )
    .join("; ");
}

function Actions({ onDone }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const run = (what, path) => async () => {
    setResult(null);
    setError(null);
    try {
      setResult({ what, body: await api("POST", path) });
    } catch (e) {
      setError(e);
    }
    onDone();
  };
  const r = result?.body;
  return html`
    <section class="panel" aria-labelledby="cfg-actions">
      <h2 id="cfg-actions">Actions</h2>
      <div class="row">
        <${Button} onClick=${run(
          "validate",
          "/api/config/validate",
        )} busyText="Running nginx -t…">Validate (nginx -t)</${Button}>
        <${Button} class="primary" onClick=${run(
          "apply",
          "/api/config/apply",
        )} busyText="Applying…">Apply pending changes</${Button}>
        <${Button} onClick=${run(
          "reload",
          "/api/config/reload",
        )} busyText="Reloading…">Reload nginx</${Button}>
      </div>
      <p class="hint">Validate tests the desired state, pending changes included, without applying it.</p>
      <${ErrorBox} error=${error} />
      ${result?.what === "validate" && html`
        <div class=${r.ok ? "success" : "error"} role="status" data-validate=${r.ok
          ? "ok"
          : "failed"}>
          ${r.ok ? "nginx -t passed." : "nginx -t failed."}
          ${!r.include_found && html`<div>
            <strong>nginx.conf does not include the agent's directory:</strong> add the include line (see the README).
          </div>`}
          ${r.output && html`<pre>${r.output}</pre>`}
        </div>
      `}
      ${result?.what === "apply" && html`<${ApplyOutcome} outcome=${r} />`}
      ${result?.what === "reload" && html`
        <div class="success" role="status">nginx reloaded onto generation ${r.generation}.
          ${r.output && html`<pre>${r.output}</pre>`}</div>
      `}
    </section>
  `;
}

function Config() {
  const { data, error, reload } = useLoad(() => api("GET", "/api/config/generations"), []);
  return html`
    <div class="page-head">
      <h1>Config</h1>
    </div>
    <${Actions} onDone=${reload} />
    <section class="panel table-wrap" aria-labelledby="cfg-gens">
      <h2 id="cfg-gens">Generations</h2>
      <${ErrorBox} error=${error} />
      ${data &&
        (data.generations.length === 0
          ? html`<p class="muted">No generation yet: the first apply writes one.</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>Written</th>
                  <th class="num">Files</th>
                  <th class="num">Entities</th>
                  <th>Cause</th>
                  <th>Hash</th>
                </tr>
              </thead>
              <tbody>${data.generations.map((g) =>
                html`
                  <tr data-generation=${g.generation}>
                    <td class="num">${g.generation}${g.current && html`
                      <span class="badge ok">current</span>
                    `}</td>
                    <td>${g.created_at ? new Date(g.created_at).toLocaleString() : ""}</td>
                    <td class="num">${g.files}</td>
                    <td class="num">${g.entities}</td>
                    <td class="hint">${causeText(g.cause)}</td>
                    <td class="mono">${(g.config_hash || "").slice(0, 12)}</td>
                  </tr>
                `
              )}</tbody>
            </table>
          `)}
    </section>
  `;
}

definePage({ path: "/config", title: "Config", component: Config });
