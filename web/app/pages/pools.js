// Pools: the list, and one pool's form (#/pools/new, #/pools/edit/<name>).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { PoolForm } from "./pool-form.js";

/** Which sites use each pool (default_pool or a route), to say why a delete is refused. */
function usage(sites) {
  const used = {};
  for (const s of sites) {
    const pools = [s.default_pool, ...s.routes.map((r) => r.pool)].filter(Boolean);
    for (const p of new Set(pools)) (used[p] ||= []).push(s.name);
  }
  return used;
}

function PoolList() {
  const { data, error, reload } = useLoad(async () => {
    const [p, s] = await Promise.all([api("GET", "/api/pools"), api("GET", "/api/sites")]);
    return { pools: p.pools, used: usage(s.sites) };
  }, []);
  const [delError, setDelError] = useState(null);
  async function remove(name) {
    if (!confirm(`Delete pool "${name}"?`)) return;
    setDelError(null);
    try {
      await api("DELETE", `/api/pools/${enc(name)}`);
    } catch (e) {
      setDelError(e);
    }
    await reload();
  }
  return html`
    <div class="page-head">
      <h1>Pools</h1>
      <a class="button primary" href="#/pools/new">New pool</a>
    </div>
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${delError} title="Delete refused" />
    ${data && html`
      <div class="panel table-wrap">
        ${data.pools.length === 0
          ? html`<p class="muted">No pools yet. A pool is a set of backend servers (an nginx upstream).</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Members</th>
                  <th>Method</th>
                  <th class="num">Keepalive</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${data.pools.map((p) =>
                  html`
                    <tr data-pool=${p.name}>
                      <td><a href=${`#/pools/edit/${enc(p.name)}`}>${p.name}</a>
                        ${p.managed_by && html`
                          <span class="badge">managed by ${p.managed_by.kind}</span>
                        `}
                        ${p.description && html`<div class="hint">${p.description}</div>`}</td>
                      <td>${p.members.length === 0
                        ? html`<span class="muted">none</span>`
                        : p.members.map((m) =>
                          html`
                            <div><code>${m.address}</code>${m.weight !== 1 ? ` ×${m.weight}` : ""}
                              ${m.backup && html`
                                <span class="badge">backup</span>
                              `}
                              ${m.down && html`
                                <span class="badge bad">down</span>
                              `}</div>
                          `
                        )}</td>
                      <td>${p.lb_method}</td>
                      <td class="num">${p.keepalive}</td>
                      <td>${(data.used[p.name] || []).map((s) =>
                        html`
                          <a href=${`#/sites/edit/${enc(s)}`}>${s}</a>
                        `
                      )}</td>
                      <td>
                        <${Button} class="danger" onClick=${() =>
                          remove(p.name)} busyText="Deleting…"
                          aria-label=${`Delete pool ${p.name}`}>Delete</${Button}></td>
                    </tr>
                  `
                )}
              </tbody>
            </table>
          `}
      </div>
    `}
  `;
}

function PoolsPage({ route }) {
  const [action, name] = route.rest;
  if (action === "new") return html`<${PoolForm} key="new" name=${null} />`;
  if (action === "edit" && name) return html`<${PoolForm} key=${name} name=${name} />`;
  return html`<${PoolList} />`;
}

definePage({ path: "/pools", title: "Pools", component: PoolsPage });
