// The Migrations page's two lists: stale migrations (a pool without an enabled
// member, a source bucket gone) and orphaned sources left by finished ones,
// each purgeable once its bucket name is typed back.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { can } from "../role.js";

export function StaleList() {
  const { data, error } = useLoad(() => api("GET", "/api/migrations/stale"), []);
  return html`
    <section class="panel" aria-labelledby="mig-stale">
      <h2 id="mig-stale">Stale</h2>
      <p class="hint">Migrations that cannot go on: a pool has no enabled member, or the source
        bucket is gone.</p>
      <${ErrorBox} error=${error} />
      ${data &&
        (data.stale.length === 0
          ? html`<p class="muted" data-no-stale>No stale migration.</p>`
          : html`
            <ul>${data.stale.map((s) =>
              html`
                <li
                  data-stale=${s.id}><a href=${`#/migrations/${enc(s.id)}`}>${s
                    .id}</a>${" "}<span class="badge warn">${s.phase}</span> ${s.reasons.join(
                      "; ",
                    )}</li>
              `
            )}</ul>
          `)}
    </section>
  `;
}

export function OrphanedList() {
  const { data, error, reload } = useLoad(() => api("GET", "/api/migrations/orphaned"), []);
  const [typed, setTyped] = useState({});
  const [actError, setActError] = useState(null);
  const [result, setResult] = useState(null);
  async function purge(o) {
    setActError(null);
    try {
      const r = await api("POST", `/api/migrations/orphaned/${enc(o.id)}/purge`, {
        confirm: typed[o.id] || "",
      });
      setResult(`Deleted ${r.deleted} object(s) of ${r.bucket} from ${r.pool}.`);
    } catch (e) {
      setActError(e);
    }
    await reload();
  }
  return html`
    <section class="panel table-wrap" aria-labelledby="mig-orphaned">
      <h2 id="mig-orphaned">Orphaned sources</h2>
      <p class="hint">The copy a finished migration left on its source pool. The agent never
        deletes it by itself.</p>
      <${ErrorBox} error=${error || actError} title=${actError ? "Not purged" : undefined} />
      ${result && html`<div class="success" role="status">${result}</div>`}
      ${data &&
        (data.orphaned.length === 0
          ? html`<p class="muted" data-no-orphaned>No orphaned source.</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th>Left on</th>
                  <th>Now served by</th>
                  <th>Since</th>
                  <th><span class="sr-only">Purge</span></th>
                </tr>
              </thead>
              <tbody>${data.orphaned.map((o) =>
                html`
                  <tr data-orphaned=${o.id}>
                    <td>${o.site}/${o.bucket}</td>
                    <td>${o.pool}</td>
                    <td>${o.now_on}</td>
                    <td>${new Date(o.at).toLocaleString()}</td>
                    <td>
                      ${can("write") && html`
                        <input aria-label=${`Type ${o.bucket} to confirm the purge`}
                          placeholder=${o.bucket} value=${typed[o.id] || ""} onInput=${(e) =>
                            setTyped({ ...typed, [o.id]: e.currentTarget.value })} />
                      `}
                      <${Button} class="danger" disabled=${typed[o.id] !== o.bucket}
                        onClick=${() => purge(o)} busyText="Purging…"
                        aria-label=${`Purge ${o.bucket} from ${o.pool}`}>Purge</${Button}>
                    </td>
                  </tr>
                `
              )}</tbody>
            </table>
          `)}
    </section>
  `;
}
