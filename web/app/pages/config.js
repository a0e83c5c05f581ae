// Config: prove the desired state with nginx -t, apply pending changes,
// reload nginx, and the generations on disk (the history of applies).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { ApplyOutcome } from "../ui/outcome.js";
import { DiffView } from "../ui/diff-view.js";
import { toast } from "../ui/toast.js";

/** A generation's cause in words; rollbacks (from the audit log) named as such. */
export function causeText(cause, rollbackTo) {
  if (rollbackTo) return `Rollback to generation ${rollbackTo}`;
  if (!cause || typeof cause !== "object") return "";
  const names = (l) =>
    l.length > 4 ? `${l.slice(0, 4).join(", ")} and ${l.length - 4} more` : l.join(", ");
  const parts = [];
  if (cause.changed?.length) parts.push(`changed ${names(cause.changed)}`);
  if (cause.refused?.length) parts.push(`refused ${names(cause.refused)}`);
  for (const [k, v] of Object.entries(cause)) {
    if (k === "changed" || k === "refused" || v === null || v === "") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    parts.push(
      `${k}: ${Array.isArray(v) ? names(v) : typeof v === "object" ? JSON.stringify(v) : v}`,
    );
  }
  return parts.join("; ") || "re-render";
}

async function loadHistory() {
  const [gens, rb] = await Promise.all([
    api("GET", "/api/config/generations"),
    api("GET", "/api/audit?action=rollback&page_size=200").catch(() => ({ entries: [] })),
  ]);
  const rollbacks = {};
  for (const e of rb.entries) {
    const m = /generation (\d+)/.exec(e.message || "");
    if (e.generation != null && m) rollbacks[e.generation] = Number(m[1]);
  }
  return { generations: gens.generations, rollbacks };
}

function Actions({ onDone }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const run = (what, path) => async () => {
    setResult(null);
    setError(null);
    if (what === "reload") {
      // A reload loads whatever is on disk: hand edits included. Ask first.
      const drift = await api("GET", "/api/config/drift").catch(() => null);
      if (drift && drift.files.length) {
        const list = drift.files.map((f) => `  ${f.file} (${f.status})`).join("\n");
        const ok = confirm(
          `These managed files were changed by hand:\n${list}\n\nReload nginx onto them anyway? (Drift offers Keep edit / Undo edit.)`,
        );
        if (!ok) return;
      }
    }
    try {
      setResult({ what, body: await api("POST", path) });
      if (what === "reload") toast("nginx reloaded");
    } catch (e) {
      setError(e);
    }
    onDone();
  };
  const r = result?.body;
  return html`
    <section class="panel" aria-labelledby="cfg-actions">
      <h2 id="cfg-actions">Actions</h2>
      <div class="row">
        <${Button} onClick=${run(
          "validate",
          "/api/config/validate",
        )} busyText="Running nginx -t…">Validate (nginx -t)</${Button}>
        <${Button} class="primary" onClick=${run(
          "apply",
          "/api/config/apply",
        )} busyText="Applying…">Apply pending changes</${Button}>
        <${Button} onClick=${run(
          "reload",
          "/api/config/reload",
        )} busyText="Reloading…">Reload nginx</${Button}>
      </div>
      <p class="hint">Validate tests the desired state, pending changes included, without applying it.</p>
      <${ErrorBox} error=${error} />
      ${result?.what === "validate" && html`
        <div class=${r.ok ? "success" : "error"} role="status" data-validate=${r.ok
          ? "ok"
          : "failed"}>
          ${r.ok ? "nginx -t passed." : "nginx -t failed."}
          ${!r.include_found && html`<div>
            <strong>nginx.conf does not include the agent's directory:</strong> add the include line (see the README).
          </div>`}
          ${r.output && html`<pre>${r.output}</pre>`}
        </div>
      `}
      ${result?.what === "apply" && html`<${ApplyOutcome} outcome=${r} />`}
      ${result?.what === "reload" && html`
        <div class="success" role="status">nginx reloaded onto generation ${r.generation}.
          ${r.output && html`<pre>${r.output}</pre>`}</div>
      `}
    </section>
  `;
}

function GenerationFiles({ n }) {
  const { data, error } = useLoad(() => api("GET", `/api/console/generations/${n}/files`), [n]);
  return html`
    <section class="panel" aria-label=${`Generation ${n} files`} data-gen-files=${n}>
      <h2>Generation ${n}: files</h2>
      <${ErrorBox} error=${error} />
      ${data && data.files.map((f) =>
        html`
          <details>
            <summary><code>${f.file}</code></summary>
            <pre>${f.text}</pre>
          </details>
        `
      )}
    </section>
  `;
}

function GenerationDiff({ a, b }) {
  const { data, error } = useLoad(() => api("GET", `/api/config/generations/${a}/diff/${b}`), [
    a,
    b,
  ]);
  return html`
    <${ErrorBox} error=${error} />
    ${data && html`
      <div data-gen-diff=${`${a}-${b}`}>
        ${data.files.length === 0
          ? html`<p class="muted">Generations ${a} and ${b} hold the same files.</p>`
          : data.files.map((f) =>
            html`
              <h3><code>${f.file}</code> <span class="badge">${f.status}</span></h3>
              <${DiffView} diff=${f.diff} label=${`diff ${f.file}`} />
            `
          )}
      </div>
    `}
  `;
}

function RollbackDialog({ target, current, onClose, onDone }) {
  const [error, setError] = useState(null);
  async function confirmRollback() {
    setError(null);
    try {
      const r = await api("POST", `/api/config/generations/${target}/rollback`);
      toast(`Rolled back to generation ${target}: now generation ${r.generation}`);
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return html`
    <section class="panel" role="dialog" aria-modal="false" aria-labelledby="rb-head"
      data-rollback=${target}>
      <h2 id="rb-head">Roll back to generation ${target}?</h2>
      <p>What nginx serves (generation ${current}) → what it will serve. The rollback is a new
        generation, tested with <code>nginx -t</code> and reloaded like any apply; the records
        return to generation ${target}'s.</p>
      <${GenerationDiff} a=${current} b=${target} />
      <${ErrorBox} error=${error} title="Rollback refused" />
      <div class="actions">
        <${Button} class="danger" onClick=${confirmRollback}
          busyText="Rolling back…">Roll back to generation ${target}</${Button}>
        <button type="button" onClick=${onClose}>Cancel</button>
      </div>
    </section>
  `;
}

function History({ data, reload }) {
  const [open, setOpen] = useState(null);
  const [pick, setPick] = useState([]);
  const [rollbackTo, setRollbackTo] = useState(null);
  const current = data.generations.find((g) => g.current)?.generation;
  const toggle = (n) =>
    setPick((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p.slice(-1), n]));
  const [a, b] = [...pick].sort((x, y) => x - y);
  return html`
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th><span class="sr-only">Compare</span></th>
            <th class="num">#</th>
            <th>Written</th>
            <th class="num">Files</th>
            <th>Cause</th>
            <th><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>${data.generations.map((g) =>
          html`
            <tr data-generation=${g.generation}>
              <td><input type="checkbox" aria-label=${`Compare generation ${g.generation}`}
                checked=${pick.includes(g.generation)} onChange=${() =>
                  toggle(g.generation)} /></td>
              <td class="num">${g.generation}${g.current && html`
                <span class="badge ok">current</span>
              `}</td>
              <td>${g.created_at ? new Date(g.created_at).toLocaleString() : ""}</td>
              <td class="num">${g.files}</td>
              <td class="hint">${causeText(g.cause, data.rollbacks[g.generation])}</td>
              <td class="inline-actions">
                <button type="button" class="link" onClick=${() => setOpen(g.generation)}
                  aria-label=${`Open generation ${g.generation}`}>Open</button>
                ${!g.current && current != null && html`
                  <button type="button" class="link" onClick=${() => setRollbackTo(g.generation)}
                    aria-label=${`Roll back to generation ${g.generation}`}>Roll back…</button>
                `}
              </td>
            </tr>
          `
        )}</tbody>
      </table>
    </div>
    <p class="hint">Tick two generations to see what changed between them.</p>
    ${rollbackTo && html`
      <${RollbackDialog} target=${rollbackTo} current=${current}
        onClose=${() => setRollbackTo(null)} onDone=${() => {
          setRollbackTo(null);
          reload();
        }} />
    `}
    ${pick.length === 2 && html`
      <section class="panel" aria-label="Generation diff">
        <h2>Generation ${a} → ${b}</h2>
        <${GenerationDiff} a=${a} b=${b} />
      </section>
    `}
    ${open && html`<${GenerationFiles} n=${open} />`}
  `;
}

function Config() {
  const { data, error, reload } = useLoad(loadHistory, []);
  return html`
    <div class="page-head">
      <h1>Config</h1>
    </div>
    <${Actions} onDone=${reload} />
    <section class="panel" aria-labelledby="cfg-gens">
      <h2 id="cfg-gens">History (generations)</h2>
      <${ErrorBox} error=${error} />
      ${data &&
        (data.generations.length === 0
          ? html`<p class="muted">No generation yet: the first apply writes one.</p>`
          : html`<${History} data=${data} reload=${reload} />`)}
    </section>
  `;
}

definePage({ path: "/config", title: "Config", component: Config });
