// Sites: the list, and one site's form (#/sites/new, #/sites/edit/<name>).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { ListControls, Pager, useList } from "../ui/list.js";
import { toast } from "../ui/toast.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { SiteForm } from "./site-form.js";
import { targetOf } from "./site-routes.js";
import { ownerHref } from "../ui/managed.js";
import { Expiry } from "../ui/ttl-badge.js";

function routeSummary(r) {
  const t = targetOf(r);
  const to = t === "pool"
    ? `pool ${r.pool}`
    : t === "upstream"
    ? r.upstream
    : t === "redirect"
    ? `${r.redirect.code} ${r.redirect.url}`
    : `files ${r.static.root}`;
  return `${r.match === "exact" ? "= " : r.match === "regex" ? "~ " : ""}${r.path} → ${to}`;
}

const SORTS = [["name", "Name"], ["-name", "Name (Z–A)"], ["server_names", "Server name"], [
  "default_pool",
  "Default pool",
], ["-updated_at", "Recently changed"]];

function SiteList({ route }) {
  const list = useList("/sites", "sites", route.query);
  const { data, error, reload } = list;
  const [delError, setDelError] = useState(null);
  async function remove(name) {
    if (!confirm(`Delete site "${name}"?`)) return;
    setDelError(null);
    try {
      await api("DELETE", `/api/sites/${enc(name)}`);
      toast(`Deleted site ${name}`);
    } catch (e) {
      setDelError(e);
    }
    await reload();
  }
  return html`
    <div class="page-head">
      <h1>Sites</h1>
      <a class="button primary" href="#/sites/new">New site</a>
    </div>
    <${ListControls} list=${list} label="sites" sorts=${SORTS} />
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${delError} title="Delete refused" />
    ${data && html`
      <div class="panel table-wrap">
        ${data.items.length === 0
          ? html`<p class="muted">${
            list.q
              ? `No site matches "${list.q}".`
              : "No sites yet. A site is an nginx server block: host names, ports and routes."
          }</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Server names</th>
                  <th>Listen</th>
                  <th>Default pool</th>
                  <th>Routes</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${data.items.map((s) =>
                  html`
                    <tr data-site=${s.name}>
                      <td><a href=${`#/sites/edit/${enc(s.name)}`}>${s.name}</a>
                        ${s.managed_by && html`
                          <a class="badge" href=${ownerHref(s.managed_by)}>managed by ${s.managed_by
                            .kind} ${s.managed_by.name}</a>
                        `}
                        <${Expiry} at=${s.expires_at} />
                        ${s.description && html`<div class="hint">${s.description}</div>`}</td>
                      <td>${s.server_names.length
                        ? s.server_names.join(", ")
                        : html`<span class="muted">none</span>`}</td>
                      <td>${s.listen.length
                        ? s.listen.map((l) => `${l.port}${l.ssl ? " ssl" : ""}`).join(", ")
                        : html`<span class="muted">default${s.tls ? " + https" : ""}</span>`}</td>
                      <td>${s.default_pool
                        ? html`<a href=${`#/pools/edit/${
                          enc(s.default_pool)
                        }`}>${s.default_pool}</a>`
                        : "–"}</td>
                      <td>${s.routes.map((r) =>
                        html`<div><code>${
                          routeSummary(r)
                        }</code> <${Expiry} at=${r.expires_at} /></div>`
                      )}</td>
                      <td>
                        ${!s.managed_by && html`
                          <${Button} class="danger" onClick=${() =>
                            remove(s.name)} busyText="Deleting…"
                            aria-label=${`Delete site ${s.name}`}>Delete</${Button}>
                        `}</td>
                    </tr>
                  `
                )}
              </tbody>
            </table>
          `}
        <${Pager} list=${list} path="/sites" />
      </div>
    `}
  `;
}

function SitesPage({ route }) {
  const [action, name] = route.rest;
  if (action === "new") return html`<${SiteForm} key="new" name=${null} />`;
  if (action === "edit" && name) return html`<${SiteForm} key=${name} name=${name} />`;
  return html`<${SiteList} route=${route} />`;
}

definePage({ path: "/sites", title: "Sites", component: SitesPage });
