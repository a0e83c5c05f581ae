// One proxy: a domain in front of one upstream host:port. Saving sends the whole
// proxy (PUT); with require_healthy the agent first asks the upstream's health
// path, with enable_ssl it then issues the proxy's certificate.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Check, Field, FormError, NumberField } from "../ui/form.js";
import { carrySaved, requireFields, useSave } from "../ui/save.js";
import { clearUnsaved, useUnsaved } from "../ui/guard.js";
import { toast } from "../ui/toast.js";
import { SavedBanner } from "../ui/saved.js";
import { navigate } from "../router.js";

const NEW_PROXY = {
  name: "",
  description: "",
  domain: "",
  upstream_host: "127.0.0.1",
  require_healthy: true,
  enable_ssl: false,
  health_path: "/health",
};

/** The PUT body: the proxy's own fields, none of what GET adds (status, url, ...). */
export function proxyBody(d) {
  /** @type {Record<string, unknown>} */
  const body = {
    name: d.name,
    description: d.description ?? "",
    domain: (d.domain ?? "").trim(),
    upstream_host: (d.upstream_host ?? "").trim(),
    upstream_port: d.upstream_port,
    require_healthy: !!d.require_healthy,
    enable_ssl: !!d.enable_ssl,
    health_path: (d.health_path ?? "").trim() || "/health",
  };
  if (d.email?.trim()) body.email = d.email.trim();
  return body;
}

function CertFacts({ cert }) {
  if (!cert) return null;
  return html`
    <div class="notice" data-certificate=${cert.status}>
      Certificate <strong>${cert.name}</strong>: <span class="badge">${cert.status}</span>
      ${cert.not_after && ` valid until ${new Date(cert.not_after).toLocaleString()}`}
      ${cert.reason && html`<div class="hint">${cert.reason}</div>`}
    </div>
  `;
}

/** POST /api/proxies/{name}/ssl: issue (or keep, unless forced) the certificate. */
function Ssl({ draft, onDone }) {
  const [force, setForce] = useState(false);
  const [res, setRes] = useState({ error: null, cert: null });
  async function run() {
    setRes({ error: null, cert: null });
    try {
      const body = { force_renew: force, ...(draft.email ? { email: draft.email } : {}) };
      const out = await api("POST", `/api/proxies/${enc(draft.name)}/ssl`, body);
      setRes({ error: null, cert: out.certificate });
      onDone(out);
    } catch (e) {
      setRes({ error: e, cert: null });
    }
  }
  return html`
    <section class="panel" aria-labelledby="ssl-head">
      <h2 id="ssl-head">HTTPS</h2>
      <p>${draft.ssl_enabled
        ? html`<span class="badge ok">served over HTTPS</span>`
        : html`<span class="badge">HTTP only</span>`}</p>
      <div class="row">
        <${Check} field="force_renew" label="force renewal of a valid certificate"
          checked=${force}
          onValue=${setForce} />
        <${Button} onClick=${run} busyText="Issuing…">Enable HTTPS</${Button}>
      </div>
      <${ErrorBox} error=${res.error} title="Not issued" />
      <${CertFacts} cert=${res.cert} />
    </section>
  `;
}

// A proxy saved whose HTTPS failed opens as the saved proxy with this warning.
let carriedSsl = null;

/** "Saved, but HTTPS failed" with Retry HTTPS: the honest outcome of a two-step save. */
function SslFailed({ error, draft, onDone }) {
  const [again, setAgain] = useState(null);
  async function retry() {
    setAgain(null);
    try {
      const body = draft.email ? { email: draft.email } : {};
      const out = await api("POST", `/api/proxies/${enc(draft.name)}/ssl`, body);
      toast(`HTTPS enabled for ${draft.name}`);
      onDone(out);
    } catch (e) {
      setAgain(e);
    }
  }
  return html`
    <div class="warning" role="alert" data-ssl-failed>
      <strong>Saved; HTTPS failed.</strong> The proxy is saved and serves plain HTTP. The
      certificate could not be issued: ${error.message}
      <div class="actions">
        <${Button} class="primary" onClick=${retry} busyText="Issuing…">Retry HTTPS</${Button}>
      </div>
      <${ErrorBox} error=${again} title="Still not issued" />
    </div>
  `;
}

function Form({ initial, isNew }) {
  const [draft, setDraft] = useState(initial);
  const [sslError, setSslError] = useState(() => {
    const e = carriedSsl;
    carriedSsl = null;
    return e;
  });
  const { busy, error, saved, save, setError } = useSave("proxy", "proxies", {
    onError: async (e) => {
      if (e.code !== "SSL_ISSUANCE_FAILED" || !e.detail?.apply) return false;
      const rec = await api("GET", `/api/proxies/${enc(draft.name)}`).catch(() => null);
      if (!rec) return false;
      clearUnsaved();
      if (isNew) {
        carriedSsl = e;
        navigate(`/proxies/edit/${enc(rec.name)}`);
      } else {
        setDraft(rec);
        setSslError(e);
      }
      return true;
    },
  });
  const [delError, setDelError] = useState(null);
  const [touched, setTouched] = useState(false);
  useUnsaved(touched);
  const set = (k) => (v) => {
    setTouched(true);
    setDraft((d) => ({ ...d, [k]: v }));
  };
  async function submit(e) {
    e.preventDefault();
    const missing = requireFields([
      ["name", "Name", draft.name],
      ["domain", "Domain", draft.domain],
      ["upstream_host", "Upstream host", draft.upstream_host],
      ["upstream_port", "Upstream port", draft.upstream_port],
    ]);
    if (missing) return setError(missing);
    setSslError(null);
    const rec = await save(draft.name, proxyBody(draft), isNew ? 0 : draft.version);
    if (!rec) return;
    setTouched(false);
    setDraft(rec);
    if (isNew) {
      carrySaved(rec);
      navigate(`/proxies/edit/${enc(rec.name)}`);
    }
  }
  async function remove() {
    if (!confirm(`Delete proxy "${draft.name}" (its site and pool; the certificate stays)?`)) {
      return;
    }
    setDelError(null);
    try {
      await api("DELETE", `/api/proxies/${enc(draft.name)}`);
      navigate("/proxies");
    } catch (e) {
      setDelError(e);
    }
  }
  return html`
    <${FormError.Provider} value=${error}>
      <form onSubmit=${submit} novalidate aria-label="Proxy">
        <${ErrorBox} error=${error} title="Not saved" />
        ${sslError && html`<${SslFailed} error=${sslError} draft=${draft} onDone=${(out) => {
          setSslError(null);
          setDraft((d) => ({ ...d, ...out }));
        }} />`}
        <${SavedBanner} rec=${saved} />
        <${CertFacts} cert=${saved?.certificate} />
        ${!isNew && html`
          <p>Status: <span class=${`badge ${draft.status === "active" ? "ok" : "warn"}`}
            data-status=${draft.status}>${draft.status}</span> · <a href=${draft.url}>${draft
              .url}</a> · site <a href=${`#/sites/edit/${enc(draft.site)}`}>${draft.site}</a>,
            pool <a href=${`#/pools/edit/${enc(draft.pool)}`}>${draft.pool}</a></p>
        `}
        <div class="panel">
          <div class="row">
            <${Field} field="name" label="Name" value=${draft.name} onValue=${set("name")}
              disabled=${!isNew} placeholder="shop" hint=${isNew
                ? "Lower case letters, digits, '-'"
                : undefined} />
            <${Field} field="domain" label="Domain" value=${draft.domain} onValue=${set("domain")}
              placeholder="shop.example.com" grow />
          </div>
          <div class="row">
            <${Field} field="upstream_host" label="Upstream host" value=${draft.upstream_host}
              onValue=${set("upstream_host")} placeholder="127.0.0.1" grow />
            <${NumberField} field="upstream_port" label="Upstream port" value=${draft.upstream_port}
              onValue=${set("upstream_port")} min="1" max="65535" placeholder="8080" />
            <${Field} field="health_path" label="Health path" value=${draft.health_path}
              onValue=${set("health_path")} placeholder="/health" />
          </div>
          <${Check} field="require_healthy" label="require a healthy upstream (health path answers 2xx) before saving"
            checked=${draft.require_healthy} onValue=${set("require_healthy")} />
          <div class="row">
            <${Check} field="enable_ssl" label="HTTPS with a certificate from ACME"
              checked=${draft.enable_ssl} onValue=${set("enable_ssl")} />
            ${draft.enable_ssl && html`
              <${Field} field="email" label="ACME account email" value=${draft.email}
                onValue=${set("email")} placeholder="(the acme_email setting)" grow />
            `}
          </div>
          <${Field} field="description" label="Description" value=${draft.description}
            onValue=${set("description")} />
        </div>
        <div class="actions">
          <${Button} type="submit" class="primary" busy=${busy} busyText="Saving and applying…">Save</${Button}>
          ${error && html`<span class="field-error">Not saved: ${error.code} (see above)</span>`}
          ${!isNew &&
            html`<${Button} class="danger" onClick=${remove} busyText="Deleting…">Delete proxy</${Button}>`}
          <a href="#/proxies">Back to proxies</a>
        </div>
        <${ErrorBox} error=${delError} title="Delete refused" />
      </form>
    </${FormError.Provider}>
    ${!isNew && draft.enable_ssl &&
      html`<${Ssl} draft=${draft} onDone=${(out) => setDraft((d) => ({ ...d, ...out }))} />`}
  `;
}

export function ProxyForm({ name }) {
  const { data, error } = useLoad(
    () => (name ? api("GET", `/api/proxies/${enc(name)}`) : Promise.resolve(NEW_PROXY)),
    [name],
  );
  return html`
    <div class="page-head">
      <h1>${name ? `Proxy ${name}` : "New proxy"}</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`<${Form} initial=${data} isNew=${!name} />`}
  `;
}
