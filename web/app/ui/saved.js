// "Saved" banner with the outcome of the apply that carried the change.
import { html } from "../html.js";
import { StatusBadge } from "./outcome.js";

const SAYS = {
  applied: "nginx serves it now",
  unchanged: "nothing to apply",
  pending: "waiting for Apply (manual mode)",
  dry_run: "written, nginx commands ran in dry-run",
  failed: "the apply failed",
};

export function SavedBanner({ rec }) {
  if (!rec) return null;
  const status = rec.apply?.status ?? "unchanged";
  return html`
    <div class="success" role="status">
      Saved version ${rec.version}. Apply: <${StatusBadge} status=${status} /> ${SAYS[status] ||
        ""}${rec.apply?.generation != null ? ` (generation ${rec.apply.generation})` : ""}.
    </div>
  `;
}
