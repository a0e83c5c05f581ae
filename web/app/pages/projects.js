// Projects: backends served at /<name>/ on the projects site. The list (with
// each service's state, or the check report's verdict once Check ran), the
// activate form (#/projects/new, #/projects/edit/<name>) and the check report.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { ListControls, Pager, useList } from "../ui/list.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { projectBody, ProjectForm } from "./project-form.js";
import { CheckReport } from "./project-check.js";
import { projectHealth } from "./project-health.js";

/** The list has no service state: one GET per active project of the page shown reads it. */
async function servicesOf(page) {
  const services = Object.fromEntries(
    await Promise.all(
      page.items.filter((p) => p.status === "active").map((p) =>
        api("GET", `/api/projects/${enc(p.name)}`)
          .then((r) => [p.name, r.service], () => [p.name, null])
      ),
    ),
  );
  return { services };
}

function Row({ p, service, check, onDeactivate }) {
  const h = projectHealth(p, service, check);
  return html`
    <tr data-project=${p.name}>
      <td><a href=${`#/projects/edit/${enc(p.name)}`}>${p.name}</a>
        ${p.description && html`<div class="hint">${p.description}</div>`}</td>
      <td><span class=${`badge ${p.status === "active" ? "ok" : ""}`}>${p.status}</span></td>
      <td class="num">${p.port}</td>
      <td data-health=${h.label}><span class=${`badge ${h.cls}`}>${h.label}</span>
        ${h.why && html`<div class="hint">${h.why}</div>`}</td>
      <td><code>${p.command}</code></td>
      <td>${p.status === "active"
        ? html`
          <${Button} class="danger" onClick=${() => onDeactivate(p)} busyText="Deactivating…"
            aria-label=${`Deactivate project ${p.name}`}>Deactivate</${Button}>
        `
        : html`
          <a href=${`#/projects/edit/${enc(p.name)}`}
            aria-label=${`Activate project ${p.name}`}>Activate…</a>
        `}</td>
    </tr>
  `;
}

const SORTS = [["name", "Name"], ["-name", "Name (Z–A)"], ["port", "Port"], ["status", "Status"]];

function ProjectList({ route }) {
  const list = useList("/projects", "projects", route.query, servicesOf);
  const { error, reload } = list;
  const data = list.data && { ...list.data, projects: list.data.items };
  const [report, setReport] = useState(null);
  const [actError, setActError] = useState(null);
  async function check() {
    setActError(null);
    try {
      setReport(await api("POST", "/api/projects/check"));
    } catch (e) {
      setActError(e);
    }
  }
  async function deactivate(p) {
    if (!confirm(`Deactivate project "${p.name}"? Its route is removed and its service stopped.`)) {
      return;
    }
    setActError(null);
    try {
      await api("PUT", `/api/projects/${enc(p.name)}`, projectBody(p, "inactive"), {
        ifMatch: p.version,
      });
      setReport(null); // its verdicts describe the state before
    } catch (e) {
      setActError(e);
    }
    await reload();
  }
  const checks = Object.fromEntries((report?.projects || []).map((c) => [c.name, c]));
  return html`
    <div class="page-head">
      <h1>Projects</h1>
      <div class="row">
        <${Button} onClick=${check} busyText="Checking…">Check</${Button}>
        <a class="button primary" href="#/projects/new">Activate a project</a>
      </div>
    </div>
    <${ListControls} list=${list} label="projects" sorts=${SORTS} />
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${actError} title="Refused" />
    ${data && html`
      <div class="panel table-wrap">
        ${data.projects.length === 0 && list.q
          ? html`<p class="muted">Nothing matches "${list.q}".</p>`
          : data.projects.length === 0
          ? html`<p class="muted">No projects yet. A project is a backend on 127.0.0.1:<var>port</var>,
              run as a service and served at /<var>name</var>/.</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th class="num">Port</th>
                  <th>Health</th>
                  <th>Command</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${data.projects.map((p) =>
                html`
                  <${Row} key=${p.name} p=${p} service=${data.services[p.name]}
                    check=${checks[p.name]} onDeactivate=${deactivate} />
                `
              )}</tbody>
            </table>
          `}
        <${Pager} list=${list} path="/projects" />
      </div>
    `}
    ${report && html`<${CheckReport} report=${report} />`}
  `;
}

function ProjectsPage({ route }) {
  const [action, name] = route.rest;
  if (action === "new") return html`<${ProjectForm} key="new" name=${null} />`;
  if (action === "edit" && name) return html`<${ProjectForm} key=${name} name=${name} />`;
  return html`<${ProjectList} route=${route} />`;
}

definePage({ path: "/projects", title: "Projects", component: ProjectsPage });
