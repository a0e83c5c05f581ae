// Records another entity owns (a proxy's pool and site) are read-only here:
// the form says who owns it and links there; Save and Delete are not offered.
import { html } from "../html.js";
import { enc } from "../api.js";

const PAGE = { proxy: "proxies", project: "projects", cert: "certs", site: "sites", pool: "pools" };

export function ownerHref(m) {
  return `#/${PAGE[m.kind] ?? `${m.kind}s`}/edit/${enc(m.name)}`;
}

export function ManagedNote({ managedBy, kind }) {
  if (!managedBy) return null;
  return html`
    <div class="notice" role="note" data-managed>
      This ${kind} is managed by ${managedBy.kind}
      <a href=${ownerHref(managedBy)}>${managedBy.name}</a>: it is read-only here; change it
      there.
    </div>
  `;
}
