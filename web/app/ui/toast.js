// Non-blocking toasts for outcomes ("Saved", "Rolled back"): any code calls
// toast(text, kind); the shell shows them in a polite live region and each one
// leaves after a few seconds (errors stay until dismissed).
import { useEffect, useState } from "preact/hooks";
import { html } from "../html.js";

let items = [];
let next = 1;
const listeners = new Set();

function emit() {
  for (const l of listeners) l(items);
}

export function toast(text, kind = "ok") {
  const id = next++;
  items = [...items.slice(-4), { id, text, kind }];
  emit();
  if (kind !== "bad") setTimeout(() => dismiss(id), 6000);
}

function dismiss(id) {
  items = items.filter((t) => t.id !== id);
  emit();
}

export function Toasts() {
  const [list, setList] = useState(items);
  useEffect(() => {
    listeners.add(setList);
    return () => listeners.delete(setList);
  }, []);
  return html`
    <div class="toasts" role="status" aria-live="polite">
      ${list.map((t) =>
        html`
          <div class=${`toast ${t.kind}`} key=${t.id}>
            <span>${t.text}</span>
            <button type="button" class="link" aria-label="Dismiss" onClick=${() =>
              dismiss(t.id)}>×</button>
          </div>
        `
      )}
    </div>
  `;
}
