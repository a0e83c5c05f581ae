// Where a site listens and its TLS certificate.
import { html } from "../html.js";
import { Check, Field, NumberField, useGroupInvalid } from "../ui/form.js";

function ListenRow({ l, i, set, remove }) {
  const at = `listen[${i}]`;
  const invalid = useGroupInvalid(at);
  const upd = (k) => (v) => set({ ...l, [k]: v });
  return html`
    <tr class=${invalid ? "invalid" : ""}>
      <td>
        <${NumberField} field=${`${at}.port`} label=${`Listen ${i + 1} port`} hideLabel
          value=${l.port} onValue=${upd("port")} min="1" max="65535" />
      </td>
      <td>
        <${Field} field=${`${at}.address`} label=${`Listen ${i + 1} address`} hideLabel
          value=${l.address} onValue=${(v) => upd("address")(v || undefined)} placeholder="(all)" />
      </td>
      <td>
        <${Check} field=${`${at}.ssl`} label="ssl" checked=${l.ssl} onValue=${upd("ssl")} />
      </td>
      <td>
        <${Check} field=${`${at}.http2`} label="http2" checked=${l.http2} onValue=${upd("http2")} />
      </td>
      <td>
        <${Check} field=${`${at}.default_server`} label="default server" checked=${l.default_server}
          onValue=${upd("default_server")} />
      </td>
      <td><button type="button" class="link" onClick=${remove}
        aria-label=${`Remove listen ${i + 1}`}>Remove</button></td>
    </tr>
  `;
}

export function Listen({ listen, onValue }) {
  const set = (i) => (l) => onValue(listen.map((x, j) => (j === i ? l : x)));
  return html`
    <fieldset>
      <legend>Listen</legend>
      ${listen.length === 0
        ? html`<p class="muted">Default ports: the agent's HTTP port, plus HTTPS when TLS is set.</p>`
        : html`
          <table>
            <thead>
              <tr>
                <th>Port</th>
                <th>Address</th>
                <th>SSL</th>
                <th>HTTP/2</th>
                <th>Default</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${listen.map((l, i) =>
              html`
                <${ListenRow} key=${i} l=${l} i=${i} set=${set(i)}
                  remove=${() => onValue(listen.filter((_, j) => j !== i))} />
              `
            )}</tbody>
          </table>
        `}
      <button type="button" onClick=${() =>
        onValue([...listen, {
          port: 80,
          ssl: false,
          http2: false,
          default_server: false,
        }])}>Add listen port</button>
    </fieldset>
  `;
}

/** tls as the form edits it: { mode: "" | "files" | "managed", certificate, key, cert }. */
export function tlsOf(site) {
  const t = site.tls;
  if (!t) return { mode: "", certificate: "", key: "", cert: "" };
  return {
    mode: t.cert ? "managed" : "files",
    certificate: t.certificate ?? "",
    key: t.key ?? "",
    cert: t.cert ?? "",
  };
}

export function tlsBody(t) {
  if (t.mode === "files") return { certificate: t.certificate, key: t.key };
  if (t.mode === "managed") return { cert: t.cert };
  return undefined;
}

export function Tls({ tls, redirect, onValue, onRedirect }) {
  const set = (k) => (v) => onValue({ ...tls, [k]: v });
  return html`
    <fieldset>
      <legend>TLS</legend>
      <div class="row">
        <${Field} as="select" field="tls" label="Certificate" value=${tls.mode} onValue=${set(
          "mode",
        )}>
          <option value="">none (plain HTTP)</option>
          <option value="files">certificate and key files</option>
          <option value="managed">managed certificate (ACME)</option>
        </${Field}>
        ${tls.mode === "files" && html`
          <${Field} field="tls.certificate" label="Certificate file" value=${tls.certificate}
            onValue=${set("certificate")} placeholder="/etc/ssl/site.pem" grow />
          <${Field} field="tls.key" label="Key file" value=${tls.key} onValue=${set("key")}
            placeholder="/etc/ssl/site.key" grow />
        `}
        ${tls.mode === "managed" && html`
          <${Field} field="tls.cert" label="Managed certificate name" value=${tls.cert}
            onValue=${set("cert")} grow />
        `}
      </div>
      ${tls.mode && html`
        <${Check} field="redirect_http" label="Redirect plain HTTP to HTTPS"
          checked=${redirect} onValue=${onRedirect} />
      `}
    </fieldset>
  `;
}
