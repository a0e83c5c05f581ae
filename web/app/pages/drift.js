// Drift: managed files that are no longer what the agent wrote. Per file the
// +/- diff (agent's text -> what is on disk) with Keep edit (absorb it into the
// state: nginx keeps serving it, now declared) or Undo edit (rewrite the file
// from the state and reload); Rebuild all rewrites every drifted file and
// applies what is pending; Check now runs the drift check at once. Both
// choices land in the audit log with the diff.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { DiffView } from "../ui/diff-view.js";
import { toast } from "../ui/toast.js";

function DriftFile({ f, onDone, setError }) {
  const act = (path, done) => async () => {
    setError(null);
    try {
      await api("POST", path, { file: f.file });
      toast(`${done} ${f.file}`);
    } catch (e) {
      setError(e);
    }
    onDone();
  };
  return html`
    <section class="panel" data-drift-file=${f.file}>
      <h2><code>${f.file}</code> <span class="badge warn">${f.status}</span>${f.entity &&
        html`
          <span class="hint">${f.entity.kind} ${f.entity.name}</span>
        `}</h2>
      <${DiffView} diff=${f.diff} label=${`drift diff ${f.file}`} />
      <div class="actions">
        ${f.absorbable && html`
          <${Button} class="primary" onClick=${act(
            "/api/console/drift/keep",
            "Kept the edit of",
          )} busyText="Keeping…"
            aria-label=${`Keep edit ${f.file}`}>Keep edit</${Button}>
        `}
        <${Button} onClick=${act("/api/console/drift/undo", "Undid the edit of")}
          busyText="Undoing…" aria-label=${`Undo edit ${f.file}`}>Undo edit</${Button}>
      </div>
      <p class="hint">${f.absorbable
        ? "Keep edit makes this text the declared state (the form shows it from now on). "
        : "This file cannot be read back into the state: only Undo edit is offered. "}Undo edit
        puts back what the agent wrote and reloads nginx.</p>
    </section>
  `;
}

function Drift() {
  const { data, error, reload, loading } = useLoad(() => api("GET", "/api/config/drift"), []);
  const [actError, setActError] = useState(null);
  async function rebuild() {
    if (
      !confirm("Rebuild all: apply pending changes, rewrite every drifted file and reload nginx?")
    ) {
      return;
    }
    setActError(null);
    try {
      await api("POST", "/api/config/rebuild");
      toast("Rebuilt every managed file");
    } catch (e) {
      setActError(e);
    }
    reload();
  }
  return html`
    <div class="page-head">
      <h1>Drift</h1>
      <div class="row">
        <${Button} onClick=${reload} busy=${loading} busyText="Checking…">Check now</${Button}>
        <${Button} class="danger" onClick=${rebuild} busyText="Rebuilding…">Rebuild all</${Button}>
      </div>
    </div>
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${actError} title="Refused" />
    ${data && html`
      <p data-drift=${data.ok ? "ok" : "drifted"}>
        ${data.ok
          ? html`<span class="badge ok">no drift</span> Every managed file is what the agent wrote.`
          : html`<span class="badge warn">drift</span> ${data.issues.length} problem${
            data.issues
                .length === 1
              ? ""
              : "s"
          }.`}
        <span class="hint">Checked ${new Date(data.checked_at).toLocaleString()}, generation ${data
          .generation ?? "–"}.</span>
      </p>
      ${data.issues.filter((i) => !data.files.some((f) => i.includes(f.file))).map((i) =>
        html`<div class="warning">${i}</div>`
      )}
      ${data.files.map((f) =>
        html`
          <${DriftFile} key=${f.file + f.actual_sha256} f=${f} onDone=${reload}
            setError=${setActError} />
        `
      )}
    `}
  `;
}

definePage({ path: "/drift", title: "Drift", component: Drift });
