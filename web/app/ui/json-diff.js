// A readable difference of two JSON values (audit before/after): one line per
// changed leaf, named by its path (routes[1].path), unchanged leaves counted.
import { html } from "../html.js";

const META = new Set(["version", "created_at", "updated_at"]);

export function flatten(v, path = "", out = new Map()) {
  if (Array.isArray(v) && v.length) v.forEach((x, i) => flatten(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v)) {
      if (!path && META.has(k)) continue;
      flatten(x, path ? `${path}.${k}` : k, out);
    }
  } else out.set(path || "(value)", JSON.stringify(v));
  return out;
}

export function diffJson(before, after) {
  const a = before == null ? new Map() : flatten(before);
  const b = after == null ? new Map() : flatten(after);
  const lines = [];
  let same = 0;
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (!b.has(k)) lines.push({ kind: "del", text: `- ${k}: ${a.get(k)}` });
    else if (!a.has(k)) lines.push({ kind: "add", text: `+ ${k}: ${b.get(k)}` });
    else if (a.get(k) !== b.get(k)) {
      lines.push({ kind: "chg", text: `~ ${k}: ${a.get(k)} → ${b.get(k)}` });
    } else same++;
  }
  return { lines, same };
}

export function JsonDiff({ before, after }) {
  const { lines, same } = diffJson(before, after);
  if (!lines.length) return html`<p class="muted">No field changed.</p>`;
  return html`
    <ul class="diff">
      ${lines.map((l) => html`<li class=${l.kind}>${l.text}</li>`)}
    </ul>
    ${same > 0 &&
      html`<p class="hint">${same} unchanged field${same === 1 ? "" : "s"} not shown.</p>`}
  `;
}
