// Audit: who changed what and how the apply ended, newest first, with filters
// (kept in the address, so a filtered view can be linked) and pages.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { definePage } from "../registry.js";
import { href, navigate } from "../router.js";
import { useLoad } from "../ui/load.js";
import { ErrorBox } from "../ui/error-box.js";
import { Field, FormError } from "../ui/form.js";
import { JsonDiff } from "../ui/json-diff.js";
import { DiffView } from "../ui/diff-view.js";
import { StatusBadge } from "../ui/outcome.js";

const KEYS = ["entity", "action", "from", "to", "page", "page_size"];

/** datetime-local text (local time) <-> ISO 8601 for the API. */
function toIso(local) {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}
function toLocal(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${
    p(d.getMinutes())
  }`;
}

function Filters({ query, error }) {
  const [f, setF] = useState(() => ({
    entity: query.entity ?? "",
    action: query.action ?? "",
    from: toLocal(query.from),
    to: toLocal(query.to),
    page_size: query.page_size ?? "50",
  }));
  const set = (k) => (v) => setF((x) => ({ ...x, [k]: v }));
  function submit(e) {
    e.preventDefault();
    navigate("/audit", { ...f, from: toIso(f.from), to: toIso(f.to), page: undefined });
  }
  return html`
    <${FormError.Provider} value=${error}>
      <form class="panel" onSubmit=${submit} aria-label="Audit filters">
        <div class="row">
          <${Field} field="entity" label="Entity" value=${f.entity} onValue=${set("entity")}
            placeholder="site or site/web" />
          <${Field} field="action" label="Action" value=${f.action} onValue=${set("action")}
            placeholder="site.put, apply, ..." />
          <${Field} field="from" label="From" type="datetime-local" value=${f.from}
            onValue=${set("from")} />
          <${Field} field="to" label="To" type="datetime-local" value=${f.to}
            onValue=${set("to")} />
          <${Field} as="select" field="page_size" label="Per page" value=${f.page_size}
            onValue=${set("page_size")}>
            ${["20", "50", "100", "200"].map((n) => html`<option value=${n}>${n}</option>`)}
          </${Field}>
          <div class="inline-actions">
            <button type="submit" class="primary">Filter</button>
            <a href="#/audit">Clear</a>
          </div>
        </div>
      </form>
    </${FormError.Provider}>
  `;
}

function Entry({ e }) {
  return html`
    <tr data-audit=${e.id}>
      <td class="mono">${new Date(e.at).toLocaleString()}</td>
      <td>${e.actor}</td>
      <td><code>${e.action}</code></td>
      <td><a href=${href("/audit", { entity: `${e.entity.kind}/${e.entity.name}` })}>${e.entity
        .kind}/${e.entity.name}</a></td>
      <td>
        <${StatusBadge} status=${e.outcome} />
      </td>
      <td>
        ${e.message && html`<div>${e.message}</div>`}
        <details>
          <summary>${e.detail?.diff ? "File diff" : "Changes"}${e.generation != null
            ? ` (generation ${e.generation})`
            : ""}</summary>
          ${e.detail?.diff
            ? html`<${DiffView} diff=${e.detail.diff} label=${`audit diff ${e.id}`} />`
            : (e.before != null || e.after != null)
            ? html`<${JsonDiff} before=${e.before} after=${e.after} />`
            : html`<p class="muted">No record changed.</p>`}
          ${e.nginx_output && html`<pre>${e.nginx_output}</pre>`}
        </details>
      </td>
    </tr>
  `;
}

function Audit({ route }) {
  const q = route.query;
  const key = KEYS.map((k) => q[k] ?? "").join("|");
  const { data, error } = useLoad(() => {
    const qs = new URLSearchParams(Object.entries(q).filter(([k, v]) => KEYS.includes(k) && v));
    return api("GET", `/api/audit${qs.size ? `?${qs}` : ""}`);
  }, [key]);
  const page = Number(q.page || 1);
  const go = (p) => href("/audit", { ...q, page: p > 1 ? String(p) : undefined });
  return html`
    <div class="page-head">
      <h1>Audit</h1>
    </div>
    <${Filters} key=${key} query=${q} error=${error} />
    <${ErrorBox} error=${error} />
    ${data && html`
      <section class="panel table-wrap">
        ${data.entries.length === 0 ? html`<p class="muted">No entries match.</p>` : html`
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>${data.entries.map((e) => html`<${Entry} key=${e.id} e=${e} />`)}</tbody>
          </table>
        `}
        <nav class="actions" aria-label="Audit pages">
          ${page > 1 && html`<a class="button" href=${go(page - 1)}>← Newer</a>`}
          <span class="muted">Page ${page}</span>
          ${data.has_more && html`<a class="button" href=${go(page + 1)}>Older →</a>`}
        </nav>
      </section>
    `}
  `;
}

definePage({ path: "/audit", title: "Audit", component: Audit });
