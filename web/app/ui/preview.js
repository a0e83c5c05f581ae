// "Preview" of the draft as typed, before saving: the nginx text it renders to
// (with the rest of the state) and the diff against the file nginx serves now.
// Nothing is stored. Also the candidate file of a refused save, nginx's line marked.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { Button } from "./button.js";
import { ErrorBox } from "./error-box.js";
import { DiffView, MarkedText } from "./diff-view.js";

export function Preview({ plural, name, body }) {
  const [pv, setPv] = useState(null);
  const [error, setError] = useState(null);
  async function load() {
    setError(null);
    try {
      setPv(await api("POST", `/api/console/preview/${plural}/${enc(name)}`, body()));
    } catch (e) {
      setPv(null);
      setError(e);
    }
  }
  return html`
    <section class="panel" aria-label="nginx preview">
      <div class="row">
        <${Button} onClick=${load} busyText="Rendering…"
          disabled=${!name}>${pv === null ? "Preview" : "Refresh preview"}</${Button}>
        <span class="hint">The nginx file this draft renders to, and what changes against what nginx serves. Nothing is saved.</span>
      </div>
      <${ErrorBox} error=${error} title="Preview refused" />
      ${pv && html`
        <h3>${pv.changed ? "Changes against what nginx serves" : "Same as what nginx serves"}</h3>
        ${pv.changed && html`<${DiffView} diff=${pv.diff} label="draft diff" />`}
        <details open>
          <summary>Whole file <code>${pv.file}</code></summary>
          <pre data-preview=${name}>${pv.text}</pre>
        </details>
      `}
    </section>
  `;
}

export function RefusedCandidate({ candidate, error }) {
  if (!candidate || !error?.detail?.line) return null;
  return html`
    <details class="panel" open data-candidate>
      <summary>
        The refused file <code>${candidate.file}</code>, line ${error.detail.line}${candidate.mark
            ?.field
          ? html`
            (from <code>${candidate.mark.field}</code>)
          `
          : ""}
      </summary>
      <${MarkedText} text=${candidate.text} line=${error.detail.line} label="refused file" />
    </details>
  `;
}
