// A unified diff (from the API) as +/- lines: added green, removed red, hunk
// headers muted. Long diffs stay scrollable inside their box.
import { html } from "../html.js";

function cls(line) {
  if (line.startsWith("+++") || line.startsWith("---")) return "file";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return "";
}

export function DiffView({ diff, label = "diff" }) {
  if (!diff) return html`<p class="muted">No difference.</p>`;
  return html`
    <pre class="udiff" aria-label=${label}>${diff.split("\n").map((l) =>
      html`<span class=${cls(l)}>${l}\n</span>`
    )}</pre>
  `;
}

/** A file's text with one line marked (nginx's file:line). */
export function MarkedText({ text, line, label }) {
  return html`
    <pre class="udiff" aria-label=${label}>${text.split("\n").map((l, i) =>
      html`<span class=${i + 1 === line ? "mark" : ""} data-line=${i + 1}>${
        String(i + 1)
          .padStart(4)
      }  ${l}\n</span>`
    )}</pre>
  `;
}
