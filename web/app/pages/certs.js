// Certificates: managed certificates (ACME through certbot) with what their
// files say. The list, the form (#/certs/new, #/certs/edit/<name>), renewals.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { ListControls, Pager, useList } from "../ui/list.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { CertForm } from "./cert-form.js";
import { CertStatus, daysLeft, renewalLines } from "./cert-status.js";

const SORTS = [["name", "Name"], ["-name", "Name (Z–A)"], ["not_after", "Expires first"], [
  "status",
  "Status",
]];

function CertList({ route }) {
  const list = useList("/certs", "certs", route.query);
  const { error, reload } = list;
  const data = list.data && { ...list.data, certs: list.data.items };
  const [actError, setActError] = useState(null);
  const [renewed, setRenewed] = useState(null);
  async function remove(name) {
    if (!confirm(`Delete certificate "${name}" and its files?`)) return;
    setActError(null);
    try {
      await api("DELETE", `/api/certs/${enc(name)}`);
    } catch (e) {
      setActError(e);
    }
    await reload();
  }
  async function renewAll() {
    setActError(null);
    setRenewed(null);
    try {
      setRenewed(await api("POST", "/api/certs/renew"));
    } catch (e) {
      setActError(e);
    }
    await reload();
  }
  return html`
    <div class="page-head">
      <h1>Certificates</h1>
      <div class="row">
        <${Button} onClick=${renewAll} busyText="Renewing…">Renew due</${Button}>
        <a class="button primary" href="#/certs/new">New certificate</a>
      </div>
    </div>
    <${ListControls} list=${list} label="certificates" sorts=${SORTS} />
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${actError} title="Refused" />
    ${renewed && html`
      <div class="notice" role="status" data-renewal>Renewal job ran:
        <ul>${renewalLines(renewed).map((l) => html`<li>${l}</li>`)}</ul>
      </div>
    `}
    ${data && html`
      <div class="panel table-wrap">
        ${data.certs.length === 0 && list.q
          ? html`<p class="muted">Nothing matches "${list.q}".</p>`
          : data.certs.length === 0
          ? html`
            <p
              class="muted">No certificates yet. A site names one in its TLS settings; a proxy with HTTPS gets its own.</p>
          `
          : html`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domains</th>
                  <th>Status</th>
                  <th>Expires</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${data.certs.map((c) => {
                const days = daysLeft(c.not_after);
                return html`
                  <tr data-cert=${c.name}>
                    <td><a href=${`#/certs/edit/${enc(c.name)}`}>${c.name}</a></td>
                    <td>${c.domains.map((d) => html`<div><code>${d}</code></div>`)}</td>
                    <td><${CertStatus} c=${c} />${c.last_error &&
                      html`<div class="hint">${c.last_error.split("\n")[0]}</div>`}</td>
                    <td>${c.not_after
                      ? html`${new Date(c.not_after).toLocaleDateString()}
                        <div class="hint">${days < 0 ? "expired" : `${days} days left`}</div>`
                      : html`<span class="muted">not issued</span>`}</td>
                    <td>${c.sites.map((s) =>
                      html`
                        <a href=${`#/sites/edit/${enc(s)}`}>${s}</a>
                      `
                    )}</td>
                    <td>
                      <${Button} class="danger" onClick=${() => remove(c.name)} busyText="Deleting…"
                        aria-label=${`Delete certificate ${c.name}`}>Delete</${Button}></td>
                  </tr>
                `;
              })}</tbody>
            </table>
          `}
        <${Pager} list=${list} path="/certs" />
      </div>
    `}
  `;
}

function CertsPage({ route }) {
  const [action, name] = route.rest;
  if (action === "new") return html`<${CertForm} key="new" name=${null} />`;
  if (action === "edit" && name) return html`<${CertForm} key=${name} name=${name} />`;
  return html`<${CertList} route=${route} />`;
}

definePage({ path: "/certs", title: "Certificates", component: CertsPage });
