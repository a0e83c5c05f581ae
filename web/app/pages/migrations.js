// Migrations (#/migrations, #/migrations/<id>): start one, every migration with
// its live progress bar, the stale and orphaned lists; one migration's phase
// timeline, figures, passes and log, and cancel with a confirmation that says
// what happens (before the split: stop; after it: abort to the source).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { usePoll } from "../ui/poll.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { toast } from "../ui/toast.js";
import { can } from "../role.js";
import { StartForm } from "./migration-start.js";
import { afterSplit, isActive, ProgressBar, Timeline } from "./migration-progress.js";
import { OrphanedList, StaleList } from "./migration-lists.js";

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");

function MigrationList() {
  const { data, error, reload } = useLoad(() => api("GET", "/api/migrations"), []);
  const all = data?.migrations ?? [];
  usePoll(reload, 1000, all.some(isActive));
  return html`
    <div class="page-head">
      <h1>Migrations</h1>
    </div>
    ${can("write") && html`
      <section class="panel" aria-labelledby="mig-start">
        <h2 id="mig-start">Start a migration</h2>
        <p class="hint">Moves a bucket between two nanio pools with rclone while clients keep
          reading and writing through nginx. The source copy is kept (listed as orphaned).</p>
        <${StartForm} onStarted=${reload} />
      </section>
    `}
    <${ErrorBox} error=${error} />
    <section class="panel table-wrap" aria-labelledby="mig-list">
      <h2 id="mig-list">All migrations</h2>
      ${data &&
        (all.length === 0 ? html`<p class="muted" data-no-migrations>No migration yet.</p>` : html`
          <table>
            <thead>
              <tr>
                <th>Migration</th>
                <th>Bucket</th>
                <th>From → to</th>
                <th>Progress</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>${all.map((m) =>
              html`
                <tr data-migration=${m.id} data-phase=${m.phase}>
                  <td><a href=${`#/migrations/${enc(m.id)}`}>${m.id}</a></td>
                  <td>${m.site}/${m.bucket}<div class="muted">${m.mode}</div></td>
                  <td>${m.src} → ${m.dst}</td>
                  <td class="grow-cell">
                    <${ProgressBar} m=${m} />
                  </td>
                  <td>${when(m.started_at)}</td>
                </tr>
              `
            )}</tbody>
          </table>
        `)}
    </section>
    <${StaleList} />
    <${OrphanedList} key=${all.filter((m) => m.phase === "done").length} />
  `;
}

function CancelBox({ m, onDone }) {
  const [open, setOpen] = useState(false);
  const [force, setForce] = useState(false);
  const [error, setError] = useState(null);
  if (!isActive(m) || m.phase === "switching" || m.phase === "aborting" || m.cancel) return null;
  const split = afterSplit(m);
  async function cancel() {
    setError(null);
    try {
      await api("POST", `/api/migrations/${enc(m.id)}/cancel${force ? "?force=true" : ""}`);
      toast(`Cancel of ${m.id} requested`);
      setOpen(false);
      await onDone();
    } catch (e) {
      setError(e);
    }
  }
  if (!open) {
    return html`<${Button} class="danger" onClick=${() =>
      setOpen(true)}>Cancel migration…</${Button}>`;
  }
  return html`
    <section class="warning" role="dialog" aria-modal="false" aria-labelledby="cancel-head"
      data-cancel-confirm>
      <h3 id="cancel-head">Cancel migration ${m.id}?</h3>
      ${split
        ? html`
          <p>The split is in place (since ${when(m.split_at)}): clients write to ${m.dst}. Cancel
            <strong>aborts to the source</strong>: writes go back to ${m.src} (reads fall back to
            ${m.dst}), the client writes made since the split are copied back to ${m.src}, then
            ${m.bucket} is served by ${m.src} again and the migration ends cancelled.</p>
          <label
            class="check"><input type="checkbox" checked=${force} onChange=${(e) =>
              setForce(e.currentTarget.checked)} /> Force: skip copying the client writes back
            (the keys left only on ${m.dst} are listed as stranded)</label>
        `
        : html`
          <p>rclone stops; the route was never changed, so ${m.src} keeps serving ${m.bucket}.
            What was copied to ${m.dst} so far stays there, recorded as a partial destination.</p>
        `}
      <${ErrorBox} error=${error} title="Not cancelled" />
      <div class="actions">
        <${Button} class="danger" onClick=${cancel} busyText="Cancelling…">${split
          ? "Abort to source"
          : "Stop migration"}</${Button}>
        <button type="button" onClick=${() => setOpen(false)}>Keep running</button>
      </div>
    </section>
  `;
}

function Passes({ passes }) {
  if (!passes.length) return null;
  return html`
    <div class="table-wrap">
      <table aria-label="Passes">
        <thead>
          <tr>
            <th>Phase</th>
            <th class="num">Pass</th>
            <th class="num">Transferred</th>
            <th class="num">Bytes</th>
            <th class="num">Checks</th>
            <th class="num">Errors</th>
            <th class="num">Missing / differ / extra</th>
          </tr>
        </thead>
        <tbody>${passes.map((p) =>
          html`
            <tr>
              <td>${p.phase}</td>
              <td class="num">${p.n}</td>
              <td class="num">${p.transferred}</td>
              <td class="num">${p.bytes}</td>
              <td class="num">${p.checks}</td>
              <td class="num">${p.errors}</td>
              <td class="num">${p.phase === "verifying"
                ? `${p.missing ?? 0} / ${p.differ ?? 0} / ${p.extra ?? 0}`
                : "–"}</td>
            </tr>
          `
        )}</tbody>
      </table>
    </div>
  `;
}

function MigrationDetail({ id }) {
  const { data, error, reload } = useLoad(async () => {
    const [m, log] = await Promise.all([
      api("GET", `/api/migrations/${enc(id)}`),
      api("GET", `/api/migrations/${enc(id)}/log`),
    ]);
    return { m: { ...m, log: log.log }, log: log.log };
  }, [id]);
  usePoll(reload, 1000, !!data && isActive(data.m));
  const m = data?.m;
  return html`
    <div class="page-head">
      <h1>Migration ${id}</h1>
      <a href="#/migrations">All migrations</a>
    </div>
    <${ErrorBox} error=${error} />
    ${m && html`
      <section class="panel" aria-labelledby="mig-now">
        <h2 id="mig-now">${m.site}/${m.bucket}: ${m.src} → ${m.dst}</h2>
        <${Timeline} m=${m} />
        <${ProgressBar} m=${m} />
        <dl class="facts">
          <dt>Mode</dt>
          <dd>${m.mode}, reads ${m.read_order.replace("_", " ")}</dd>
          <dt>Started</dt>
          <dd>${when(m.started_at)}</dd>
          ${m.split_at && html`
            <dt>Split at</dt>
            <dd>${when(m.split_at)}</dd>
          `}
          ${m.ended_at && html`
            <dt>Ended</dt>
            <dd>${when(m.ended_at)}</dd>
          `}
          ${m.orphaned_source && html`
            <dt>Orphaned source</dt>
            <dd data-orphaned-source>${m.orphaned_source.bucket} on ${m.orphaned_source
              .pool} (kept; purge it from the orphaned list)</dd>
          `}
          ${m.orphaned_destination && html`
            <dt>Partial destination</dt>
            <dd>${m.orphaned_destination.bucket} on ${m.orphaned_destination.pool}</dd>
          `}
          ${m.stranded?.length > 0 && html`
            <dt>Stranded on ${m.dst}</dt>
            <dd>${m.stranded.join(", ")}</dd>
          `}
        </dl>
        ${m.cancel && isActive(m) && html`
          <div class="notice" role="status">Cancel requested ${when(m.cancel.at)}${m.cancel.force
            ? " (force)"
            : ""}: ${afterSplit(m) || m.phase === "aborting"
            ? "aborting to the source"
            : "stopping"}.</div>
        `}
        ${m.error && html`<div class="error" role="alert">${m.error}</div>`}
        <${CancelBox} m=${m} onDone=${reload} />
      </section>
      <section class="panel" aria-labelledby="mig-passes">
        <h2 id="mig-passes">Passes</h2>
        ${m.passes.length ? html`<${Passes} passes=${m.passes} />` : html`<p class="muted">No pass
          finished yet.</p>`}
      </section>
      <section class="panel" aria-labelledby="mig-log">
        <h2 id="mig-log">Log</h2>
        <pre class="log-lines" data-migration-log>${data.log.join("\n")}</pre>
      </section>
    `}
  `;
}

function MigrationsPage({ route }) {
  const [id] = route.rest;
  return id ? html`<${MigrationDetail} key=${id} id=${id} />` : html`<${MigrationList} />`;
}

definePage({ path: "/migrations", title: "Migrations", component: MigrationsPage, admin: true });
