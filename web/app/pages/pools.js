// Pools: the list, and one pool's form (#/pools/new, #/pools/edit/<name>).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { PoolForm } from "./pool-form.js";
import { PoolHealth } from "./pool-health.js";
import { ListControls, Pager, useList } from "../ui/list.js";
import { href } from "../router.js";
import { toast } from "../ui/toast.js";

/** "3 sites: shop, blog, docs, … show all" (the API counts; the list links the rest). */
function UsedBy({ use, pool }) {
  if (!use) return html`<span class="muted">none</span>`;
  const names = use.first.slice(0, 3).map((id) => id.slice(id.indexOf("/") + 1));
  return html`
    <span
      data-used-by=${use.count}><strong>${use.count}</strong> ${use.count === 1
        ? "site"
        : "sites"}: ${names.map((n, i) =>
          html`${i ? ", " : ""}<a href=${`#/sites/edit/${enc(n)}`}>${n}</a>`
        )}${use.count > names.length &&
        html`, … <a href=${href("/sites", { q: pool })}>show all</a>`}</span>
  `;
}

const SORTS = [["name", "Name"], ["-name", "Name (Z–A)"], ["lb_method", "Method"], [
  "-updated_at",
  "Recently changed",
]];

function PoolList({ route }) {
  const list = useList("/pools", "pools", route.query);
  const { data, error, reload } = list;
  const names = data ? data.items.map((p) => p.name).join(",") : "";
  const used = useLoad(
    () =>
      names
        ? api("GET", `/api/console/used-by/pools?names=${enc(names)}`)
        : Promise.resolve({ used_by: {} }),
    [names],
  );
  const [delError, setDelError] = useState(null);
  async function remove(name) {
    if (!confirm(`Delete pool "${name}"?`)) return;
    setDelError(null);
    try {
      await api("DELETE", `/api/pools/${enc(name)}`);
      toast(`Deleted pool ${name}`);
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
    <${ListControls} list=${list} label="pools" sorts=${SORTS} />
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${delError} title="Delete refused" />
    ${data && html`
      <div class="panel table-wrap">
        ${data.items.length === 0
          ? html`<p class="muted">${
            list.q
              ? `No pool matches "${list.q}".`
              : "No pools yet. A pool is a set of backend servers (an nginx upstream)."
          }</p>`
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
                ${data.items.map((p) =>
                  html`
                    <tr data-pool=${p.name}>
                      <td><a href=${`#/pools/edit/${enc(p.name)}`}>${p.name}</a>
                        ${p.health_check && html`
                          <a class="badge" href=${`#/pools/health/${enc(p.name)}`}>health</a>
                        `}
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
                      <td>${used.data &&
                        html`<${UsedBy} use=${used.data.used_by[p.name]} pool=${p.name} />`}</td>
                      <td>
                        ${!p.managed_by && html`
                          <${Button} class="danger" onClick=${() =>
                            remove(p.name)} busyText="Deleting…"
                            aria-label=${`Delete pool ${p.name}`}>Delete</${Button}>
                        `}</td>
                    </tr>
                  `
                )}
              </tbody>
            </table>
          `}
        <${Pager} list=${list} path="/pools" />
      </div>
    `}
  `;
}

function PoolsPage({ route }) {
  const [action, name] = route.rest;
  if (action === "new") return html`<${PoolForm} key="new" name=${null} />`;
  if (action === "edit" && name) return html`<${PoolForm} key=${name} name=${name} />`;
  if (action === "health" && name) return html`<${PoolHealth} key=${name} name=${name} />`;
  return html`<${PoolList} route=${route} />`;
}

definePage({ path: "/pools", title: "Pools", component: PoolsPage });
