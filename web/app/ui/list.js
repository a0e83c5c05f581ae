// Search, sort and pages for the list pages, served by the API
// (?q=&sort=&page=&per_page= answers {items, total, page, per_page}). The
// query lives in the address (#/sites?q=shop&page=2), so a view can be linked
// and Back works; typing waits a moment before it asks.
import { useEffect, useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { href, navigate } from "../router.js";
import { useLoad } from "./load.js";

export const PER_PAGE = 50;

/** `extend(page)` may add to the answer (e.g. per-row details for the page shown). */
export function useList(path, plural, query, extend) {
  const q = query.q ?? "";
  const sort = query.sort ?? "name";
  const page = Number(query.page || 1);
  const load = useLoad(async () => {
    const qs = new URLSearchParams({ q, sort, page: String(page), per_page: String(PER_PAGE) });
    const t0 = performance.now();
    const body = await api("GET", `/api/${plural}?${qs}`);
    const more = extend ? await extend(body) : {};
    return { ...body, ...more, ms: Math.round(performance.now() - t0) };
  }, [plural, q, sort, page]);
  const go = (over) => navigate(path, { q, sort, ...over });
  return { ...load, q, sort, page, go };
}

/** The search box and sort choice above a list. */
export function ListControls({ list, label, sorts }) {
  const [text, setText] = useState(list.q);
  useEffect(() => setText(list.q), [list.q]);
  useEffect(() => {
    if (text === list.q) return;
    const t = setTimeout(() => list.go({ q: text, page: undefined }), 250);
    return () => clearTimeout(t);
  }, [text]);
  return html`
    <form class="row list-controls" role="search" onSubmit=${(e) => {
      e.preventDefault();
      list.go({ q: text, page: undefined });
    }}>
      <div class="field grow">
        <label for="list-q">Search ${label}</label>
        <input id="list-q" type="search" value=${text} onInput=${(e) =>
          setText(e.currentTarget.value)}
          placeholder="name, server name, pool, target…" />
      </div>
      <div class="field">
        <label for="list-sort">Sort by</label>
        <select id="list-sort" value=${list.sort} onChange=${(e) =>
          list.go({ sort: e.currentTarget.value, page: undefined })}>
          ${sorts.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select>
      </div>
    </form>
  `;
}

/** "21–40 of 10,000" with Previous / Next. */
export function Pager({ list, path }) {
  const d = list.data;
  if (!d) return null;
  const from = d.total === 0 ? 0 : (d.page - 1) * d.per_page + 1;
  const to = Math.min(d.total, d.page * d.per_page);
  const last = Math.max(1, Math.ceil(d.total / d.per_page));
  const at = (p) => href(path, { q: list.q, sort: list.sort, page: p > 1 ? String(p) : undefined });
  return html`
    <nav class="actions pager" aria-label="Pages">
      ${d.page > 1 && html`<a class="button" href=${at(d.page - 1)}>← Previous</a>`}
      <span class="muted" data-total=${d.total}>${from}–${to} of ${d.total.toLocaleString(
        "en",
      )}</span>
      ${d.page < last && html`<a class="button" href=${at(d.page + 1)}>Next →</a>`}
    </nav>
  `;
}
