// One managed certificate: its domains and ACME account email. Saving (PUT)
// issues it with certbot unless a valid one for these domains is on disk.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Check, Field, FormError } from "../ui/form.js";
import { ListField } from "../ui/list-input.js";
import { carrySaved, useSave } from "../ui/save.js";
import { SavedBanner } from "../ui/saved.js";
import { navigate } from "../router.js";
import { CertStatus } from "./cert-status.js";

const NEW_CERT = { name: "", domains: [], email: "" };

/** What the certificate's file says, and the agent's last attempt. */
function Facts({ c }) {
  const when = (t) => (t ? new Date(t).toLocaleString() : "—");
  return html`
    <section class="panel" aria-label="Certificate">
      <dl class="facts">
        <dt>Status</dt><dd><${CertStatus} c=${c} /></dd>
        <dt>Valid</dt><dd>${when(c.not_before)} – ${when(c.not_after)}</dd>
        <dt>Issuer</dt><dd>${c.issuer || "—"}</dd>
        <dt>Serial</dt><dd class="mono">${c.serial || "—"}</dd>
        ${c.file_domains && html`
          <dt>File covers</dt>
          <dd>${c.file_domains.join(", ")}</dd>
        `}
        <dt>Used by</dt>
        <dd>${c.sites.length
          ? c.sites.map((s) =>
            html`
              <a href=${`#/sites/edit/${enc(s)}`}>${s}</a>
            `
          )
          : html`<span class="muted">no site</span>`}</dd>
        ${c.files && html`
          <dt>Files</dt>
          <dd class="mono">${c.files.certificate}</dd>
        `}
        <dt>Last attempt</dt><dd>${when(c.last_attempt_at)}</dd>
        ${c.next_attempt_after && html`
          <dt>Next attempt</dt>
          <dd>not before ${when(c.next_attempt_after)}</dd>
        `}
      </dl>
      ${c.reason && html`<p class="hint" data-reason>${c.reason}</p>`}
      ${c.last_error && html`<div class="error">Last error<pre>${c.last_error}</pre></div>`}
    </section>
  `;
}

/** POST /api/certs/{name}/renew: only when due unless forced. */
function Renew({ name, onDone }) {
  const [force, setForce] = useState(false);
  const [error, setError] = useState(null);
  async function run() {
    setError(null);
    try {
      onDone(await api("POST", `/api/certs/${enc(name)}/renew`, { force }));
    } catch (e) {
      setError(e);
    }
  }
  return html`
    <div class="row">
      <${Check} field="force" label="force (re-issue a valid certificate)" checked=${force}
        onValue=${setForce} />
      <${Button} onClick=${run} busyText="Renewing…">Renew now</${Button}>
    </div>
    <${ErrorBox} error=${error} title="Not renewed" />
  `;
}

function Form({ initial, isNew }) {
  const [draft, setDraft] = useState(initial);
  const { busy, error, saved, save } = useSave("certificate", "certs");
  const [delError, setDelError] = useState(null);
  const set = (k) => (v) => setDraft((d) => ({ ...d, [k]: v }));
  async function submit(e) {
    e.preventDefault();
    const body = { domains: draft.domains, ...(draft.email ? { email: draft.email } : {}) };
    const rec = await save(draft.name, body, isNew ? 0 : draft.version);
    if (!rec) return;
    setDraft(rec);
    if (isNew) {
      carrySaved(rec);
      navigate(`/certs/edit/${enc(rec.name)}`);
    }
  }
  async function remove() {
    if (!confirm(`Delete certificate "${draft.name}" and its files?`)) return;
    setDelError(null);
    try {
      await api("DELETE", `/api/certs/${enc(draft.name)}`);
      navigate("/certs");
    } catch (e) {
      setDelError(e);
    }
  }
  return html`
    <${FormError.Provider} value=${error}>
      <form onSubmit=${submit} novalidate aria-label="Certificate">
        <${ErrorBox} error=${error} title="Not saved" />
        <${SavedBanner} rec=${saved} />
        <div class="panel">
          <${Field} field="name" label="Name" value=${draft.name} onValue=${set("name")}
            disabled=${!isNew} placeholder="shop" hint=${isNew
              ? "Lower case letters, digits, '-'; a site uses it as tls.cert"
              : undefined} />
          <${ListField} field="domains" label="Domains" value=${draft.domains}
            onValue=${set("domains")} placeholder="shop.example.com"
            hint="One per line; HTTP-01 validation, so no wildcards and no IP addresses" />
          <${Field} field="email" label="ACME account email" value=${draft.email}
            onValue=${set("email")} placeholder="(the acme_email setting)" />
        </div>
        <div class="actions">
          <${Button} type="submit" class="primary" busy=${busy}
            busyText="Issuing…">Save and issue</${Button}>
          ${error && html`<span class="field-error">Not saved: ${error.code} (see above)</span>`}
          ${!isNew &&
            html`
              <${Button} class="danger" onClick=${remove}
                busyText="Deleting…">Delete certificate</${Button}>
            `}
          <a href="#/certs">Back to certificates</a>
        </div>
        <${ErrorBox} error=${delError} title="Delete refused" />
      </form>
    </${FormError.Provider}>
    ${!isNew && html`
      <${Facts} c=${draft} />
      <${Renew} name=${draft.name} onDone=${setDraft} />
    `}
  `;
}

export function CertForm({ name }) {
  const { data, error } = useLoad(
    () => (name ? api("GET", `/api/certs/${enc(name)}`) : Promise.resolve(NEW_CERT)),
    [name],
  );
  return html`
    <div class="page-head">
      <h1>${name ? `Certificate ${name}` : "New certificate"}</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`<${Form} initial=${data} isNew=${!name} />`}
  `;
}
