// Proxies: one domain in front of one upstream (a site and a one-member pool the
// proxy owns). The list, the form (#/proxies/new, #/proxies/edit/<name>) and
// the registry sync.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { ListControls, Pager, useList } from "../ui/list.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { StatusBadge } from "../ui/outcome.js";
import { ProxyForm } from "./proxy-form.js";
import { Expiry } from "../ui/ttl-badge.js";

function SyncResult({ r }) {
  return html`
    <div class="success" role="status" data-sync=${r.synced_count}>
      Synced ${r.synced_count} from <code>${r.source}</code> (created ${r.created.length}, updated
      ${r.updated.length}, unchanged ${r.unchanged.length}); apply: <${StatusBadge}
        status=${r.apply.status} />.
      ${r.skipped.length > 0 && html`
        <ul>${r.skipped.map((s) =>
          html`<li>skipped <strong>${s.name}</strong>: ${s.reason}</li>`
        )}</ul>
      `}
    </div>
  `;
}

const SORTS = [["name", "Name"], ["-name", "Name (Z–A)"], ["domain", "Domain"], [
  "status",
  "Status",
]];

function ProxyList({ route }) {
  const list = useList("/proxies", "proxies", route.query);
  const { error, reload } = list;
  const data = list.data && { ...list.data, proxies: list.data.items };
  const [actError, setActError] = useState(null);
  const [sync, setSync] = useState(null);
  async function remove(name) {
    if (!confirm(`Delete proxy "${name}" (its site and pool; the certificate stays)?`)) return;
    setActError(null);
    try {
      await api("DELETE", `/api/proxies/${enc(name)}`);
    } catch (e) {
      setActError(e);
    }
    await reload();
  }
  async function syncRegistry() {
    setActError(null);
    setSync(null);
    try {
      setSync(await api("POST", "/api/proxies/sync-from-registry", {}));
    } catch (e) {
      setActError(e);
    }
    await reload();
  }
  return html`
    <div class="page-head">
      <h1>Proxies</h1>
      <div class="row">
        <${Button} onClick=${syncRegistry} busyText="Syncing…">Sync from registry</${Button}>
        <a class="button primary" href="#/proxies/new">New proxy</a>
      </div>
    </div>
    <${ListControls} list=${list} label="proxies" sorts=${SORTS} />
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${actError} title="Refused" />
    ${sync && html`<${SyncResult} r=${sync} />`}
    ${data && html`
      <div class="panel table-wrap">
        ${data.proxies.length === 0 && list.q
          ? html`<p class="muted">Nothing matches "${list.q}".</p>`
          : data.proxies.length === 0
          ? html`<p class="muted">No proxies yet. A proxy puts one domain in front of one upstream.</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domain</th>
                  <th>Upstream</th>
                  <th>Status</th>
                  <th>HTTPS</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${data.proxies.map((p) =>
                html`
                  <tr data-proxy=${p.name}>
                    <td><a href=${`#/proxies/edit/${enc(p.name)}`}>${p.name}</a>
                      <${Expiry} at=${p.expires_at} />
                      ${p.description && html`<div class="hint">${p.description}</div>`}</td>
                    <td><a href=${p.url}>${p.domain}</a></td>
                    <td><code>${p.upstream_host}:${p.upstream_port}</code>${p.require_healthy &&
                      html`<div class="hint">must be healthy (${p.health_path})</div>`}</td>
                    <td><span class=${`badge ${p.status === "active" ? "ok" : "warn"}`}
                      data-status=${p.status}>${p.status}</span></td>
                    <td>${p.ssl_enabled
                      ? html`<span class="badge ok">on</span>`
                      : p.enable_ssl
                      ? html`<span class="badge warn">no certificate yet</span>`
                      : html`<span class="muted">off</span>`}</td>
                    <td>
                      <${Button} class="danger" onClick=${() => remove(p.name)} busyText="Deleting…"
                        aria-label=${`Delete proxy ${p.name}`}>Delete</${Button}></td>
                  </tr>
                `
              )}</tbody>
            </table>
          `}
        <${Pager} list=${list} path="/proxies" />
      </div>
    `}
  `;
}

function ProxiesPage({ route }) {
  const [action, name] = route.rest;
  if (action === "new") return html`<${ProxyForm} key="new" name=${null} />`;
  if (action === "edit" && name) return html`<${ProxyForm} key=${name} name=${name} />`;
  return html`<${ProxyList} route=${route} />`;
}

definePage({ path: "/proxies", title: "Proxies", component: ProxiesPage });
