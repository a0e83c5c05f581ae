// The storage part of the pool form: type, region, credentials (masked: the
// API never sends them back; blank fields keep the stored ones), the nanio pool
// an http pool serves, and node configs with copy buttons.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Field } from "../ui/form.js";

export const MASKED = "********";

/** The body's storage fields from the draft and what the operator typed. */
export function storageBody(body, creds, stored) {
  if (body.type !== "nanio") {
    delete body.region;
    delete body.credentials;
    if (!body.source_nanio_pool) delete body.source_nanio_pool;
    if (body.type !== "http") delete body.type;
    return body;
  }
  delete body.source_nanio_pool;
  if (creds.access_key || creds.secret_key) {
    body.credentials = {
      access_key: creds.access_key || MASKED,
      ...(creds.secret_key ? { secret_key: creds.secret_key } : {}),
    };
  } else if (stored) body.credentials = { access_key: MASKED, secret_key: MASKED };
  else delete body.credentials;
  return body;
}

export function StorageFields({ draft, set, creds, setCreds }) {
  const nanio = draft.type === "nanio";
  const stored = !!draft.credentials;
  return html`
    <fieldset>
      <legend>Storage</legend>
      <div class="row">
        <${Field} field="type" label="Type" as="select" value=${draft.type || "http"}
          onValue=${set("type")}>
          <option value="http">http</option>
          <option value="nanio">nanio (S3 nodes)</option>
        </${Field}>
        ${nanio
          ? html`
            <${Field} field="region" label="Region" value=${draft.region}
              onValue=${(v) => set("region")(v || undefined)} placeholder="us-east-1" />
          `
          : html`
            <${Field} field="source_nanio_pool" label="Serves the data of nanio pool"
              value=${draft.source_nanio_pool} onValue=${(v) =>
                set("source_nanio_pool")(v || undefined)}
              placeholder="(none)" />
          `}
      </div>
      ${nanio && html`
        <div class="row">
          <${Field} field="credentials.access_key" label="S3 access key" value=${creds.access_key}
            onValue=${(v) => setCreds({ ...creds, access_key: v })} autocomplete="off"
            placeholder=${stored ? "stored (leave blank to keep)" : "access key"} />
          <${Field} field="credentials.secret_key" label="S3 secret key" type="password"
            value=${creds.secret_key} onValue=${(v) => setCreds({ ...creds, secret_key: v })}
            autocomplete="new-password"
            placeholder=${stored ? "stored (leave blank to keep)" : "secret key"} />
        </div>
        <p
          class="hint">Sealed at rest and never shown again. Empty: the s3_access_key/s3_secret_key settings.</p>
      `}
    </fieldset>
  `;
}

function copy(text) {
  return navigator.clipboard?.writeText(text).catch(() => {});
}

/** Node configs of one member: files with copy buttons, and instructions. */
export function NodeSetup({ pool }) {
  const types = pool.type === "nanio"
    ? ["nanio-only", "nginx-nanio"]
    : pool.source_nanio_pool
    ? ["nginx-only"]
    : [];
  const [cfg, setCfg] = useState(null);
  const [error, setError] = useState(null);
  if (!types.length || !pool.members.length) return null;
  async function load(member, type) {
    setError(null);
    try {
      setCfg(
        await api(
          "GET",
          `/api/pools/${enc(pool.name)}/members/${enc(member)}/node-config?type=${type}`,
        ),
      );
    } catch (e) {
      setError(e);
    }
  }
  return html`
    <section class="panel" aria-label="Node setup">
      <h2>Node setup</h2>
      <p class="hint">Rendered only: nothing is deployed. Credentials are placeholders.</p>
      ${pool.members.map((m) =>
        html`<div class="row" data-node=${m.address}><code>${m.address}</code>
          ${types.map((t) => html`<${Button} onClick=${() => load(m.address, t)}>${t}</${Button}>`)}
        </div>`
      )}
      <${ErrorBox} error=${error} />
      ${cfg && html`
        <div data-node-config>
          ${cfg.files.map((f) =>
            html`
              <div>
                <div
                  class="row"><strong>${f.path}</strong> <span class="muted">mode ${f.mode}, ${f
                    .owner}</span>
                              <button type="button" onClick=${() =>
                                copy(f.content)} aria-label=${`Copy ${f.path}`}>Copy</button></div>
                <pre>${f.content}</pre>
              </div>
            `
          )}
          <ol>${cfg.instructions.map((i) => html`<li><code>${i}</code></li>`)}</ol>
        </div>
      `}
    </section>
  `;
}
