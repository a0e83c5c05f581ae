// The report of POST /api/projects/check: nginx, the routes on disk, and per
// project its service, port, route and both hops, with every issue spelled out.
import { html } from "../html.js";
import { hopText } from "./project-health.js";

function Ok({ ok, yes = "ok", no = "failing" }) {
  return html`<span class=${`badge ${ok ? "ok" : "bad"}`}>${ok ? yes : no}</span>`;
}

function Cell({ part, text }) {
  if (!part) return html`<td class="muted">—</td>`;
  return html`<td><${Ok} ok=${part.ok} /> <span class="hint">${text}</span></td>`;
}

function ProjectRow({ p }) {
  return html`
    <tr data-check-project=${p.name} data-ok=${String(p.ok)}>
      <td>${p.name}</td>
      <td>${p.status === "active"
        ? html`<${Ok} ok=${p.ok} />`
        : html`<span class="badge">inactive</span>`}</td>
      <${Cell} part=${p.service} text=${p.service &&
        `${p.service.manager} ${p.service.state}${p.service.pid ? ` pid ${p.service.pid}` : ""}`} />
      <${Cell} part=${p.listening} text=${p.listening &&
        `${p.port}${p.listening.holders ? `: ${p.listening.holders}` : ""}`} />
      <${Cell} part=${p.route} text=${p.route?.message} />
      <${Cell} part=${p.internal} text=${p.internal &&
        `${p.internal.url}: ${hopText(p.internal)}`} />
      <${Cell} part=${p.external} text=${p.external &&
        `${p.external.url}: ${hopText(p.external)}`} />
    </tr>
  `;
}

export function CheckReport({ report }) {
  const { nginx, routes } = report;
  return html`
    <section class="panel" aria-labelledby="check-head" data-check=${report.ok ? "ok" : "failed"}>
      <h2 id="check-head">Check <${Ok} ok=${report.ok} yes="all good" no="issues found" /></h2>
      <p class="hint">Checked at ${new Date(report.checked_at).toLocaleString()}.</p>
      ${report.issues.length > 0 && html`
        <ul class="check-issues">${report.issues.map((i) => html`<li>${i}</li>`)}</ul>
      `}
      <dl class="facts">
        <dt>nginx</dt>
        <dd><${Ok} ok=${nginx.ok} /> ${nginx.installed
          ? `${nginx.running ? `running, pid ${nginx.pid}` : "not running"}; nginx -t ${
            nginx.config_ok ? "passes" : "fails"
          }`
          : "not installed (dry-run)"}</dd>
        <dt>Routes</dt>
        <dd><${Ok} ok=${routes.ok} /> ${routes.mode} mode${routes.file
          ? html`, read from <code>${routes.file}</code>`
          : ""}${routes.pending.length > 0 ? `; pending: ${routes.pending.join(", ")}` : ""}</dd>
      </dl>
      ${nginx.config_ok === false && html`<pre>${nginx.config_output}</pre>`}
      ${report.projects.length > 0 && html`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Project</th>
                <th>Result</th>
                <th>Service</th>
                <th>Port</th>
                <th>Route</th>
                <th>Internal hop</th>
                <th>External hop</th>
              </tr>
            </thead>
            <tbody>${report.projects.map((p) =>
              html`<${ProjectRow} key=${p.name} p=${p} />`
            )}</tbody>
          </table>
        </div>
      `}
    </section>
  `;
}
