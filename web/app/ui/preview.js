// "Preview" of the nginx text the desired state renders for one record.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { Button } from "./button.js";
import { ErrorBox } from "./error-box.js";

export function Preview({ kind, name }) {
  const [text, setText] = useState(null);
  const [error, setError] = useState(null);
  async function load() {
    setError(null);
    try {
      setText(await api("GET", `/api/config/preview/${kind}s/${enc(name)}`));
    } catch (e) {
      setText(null);
      setError(e);
    }
  }
  return html`
    <section class="panel" aria-label="nginx preview">
      <div class="row">
        <${Button} onClick=${load} busyText="Rendering…">${text === null
          ? "Preview"
          : "Refresh preview"}</${Button}>
        <span class="hint">The nginx file the saved ${kind} renders to (pending changes included).</span>
      </div>
      <${ErrorBox} error=${error} />
      ${text !== null && html`<pre data-preview=${name}>${text}</pre>`}
    </section>
  `;
}
