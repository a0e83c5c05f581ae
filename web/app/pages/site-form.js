// One site: names, listen/TLS, default pool, routes, IP rules, headers, extra
// blocks. Saving sends the whole site (PUT) with its routes; a refused save
// leaves every input as typed and marks the field the API named.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc, localError } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Field, FormError } from "../ui/form.js";
import { ListField } from "../ui/list-input.js";
import { carrySaved, requireFields, specOf, useSave } from "../ui/save.js";
import { SavedBanner } from "../ui/saved.js";
import { Preview, RefusedCandidate } from "../ui/preview.js";
import { useUnsaved } from "../ui/guard.js";
import { ManagedNote } from "../ui/managed.js";
import { navigate } from "../router.js";
import { routeName, RoutesEditor } from "./site-routes.js";
import { Listen, Tls, tlsBody, tlsOf } from "./site-listen.js";
import { ExtraBlocks, Headers, IpRules } from "./site-extras.js";

const NEW_SITE = {
  name: "",
  description: "",
  server_names: [],
  listen: [],
  redirect_http: false,
  routes: [],
  extra_blocks: [],
  response_headers: {},
};

/** Routes left without a name get one from their path (names are required). */
function namedRoutes(routes) {
  const taken = new Set(routes.map((r) => r.name).filter(Boolean));
  return routes.map((r) => {
    if (r.name) return r;
    const name = routeName(r.path, taken);
    taken.add(name);
    return { ...r, name };
  });
}

function Form({ initial, pools, isNew }) {
  const [draft, setDraft] = useState(initial);
  const [headers, setHeaders] = useState(() => Object.entries(initial.response_headers ?? {}));
  const [ip, setIp] = useState(() => initial.ip_rules ?? { mode: "", addresses: [] });
  const [tls, setTls] = useState(() => tlsOf(initial));
  const { busy, error, saved, candidate, save, setError } = useSave("site", "sites", {
    onAdopt: (v) => setDraft((d) => ({ ...d, version: v })),
  });
  const [delError, setDelError] = useState(null);
  const [touched, setTouched] = useState(false);
  useUnsaved(touched);
  const managed = !!draft.managed_by;
  const set = (k) => (v) => {
    setTouched(true);
    setDraft((d) => ({ ...d, [k]: v }));
  };
  const touch = (fn) => (v) => {
    setTouched(true);
    fn(v);
  };

  function body(routes) {
    const seen = new Set();
    for (const [k] of headers) {
      if (seen.has(k.toLowerCase())) {
        throw localError("VALIDATION_FAILED", `response_headers.${k}`, "listed twice");
      }
      seen.add(k.toLowerCase());
    }
    return {
      ...specOf(draft),
      routes,
      response_headers: Object.fromEntries(headers),
      ip_rules: ip.mode ? { mode: ip.mode, addresses: ip.addresses } : undefined,
      tls: tlsBody(tls),
      redirect_http: tls.mode ? draft.redirect_http : false,
      default_pool: draft.default_pool || undefined,
      client_max_body_size: draft.client_max_body_size || undefined,
    };
  }

  async function submit(e) {
    e.preventDefault();
    const missing = requireFields([
      ["name", "Name", draft.name],
      ...draft.routes.map((r, i) => [`routes[${i}].path`, `Route ${i + 1} path`, r.path]),
    ]);
    if (missing) return setError(missing);
    const routes = namedRoutes(draft.routes);
    setDraft((d) => ({ ...d, routes }));
    let b;
    try {
      b = body(routes);
    } catch (err) {
      return setError(err);
    }
    const rec = await save(draft.name, b, isNew ? 0 : draft.version);
    if (!rec) return;
    setTouched(false);
    setDraft(rec);
    if (isNew) {
      carrySaved(rec);
      navigate(`/sites/edit/${enc(rec.name)}`);
    }
  }

  async function remove() {
    if (!confirm(`Delete site "${draft.name}"?`)) return;
    setDelError(null);
    try {
      await api("DELETE", `/api/sites/${enc(draft.name)}`);
      navigate("/sites");
    } catch (e) {
      setDelError(e);
    }
  }

  return html`
    <${FormError.Provider} value=${error}>
      <form onSubmit=${submit} novalidate aria-label="Site">
        <${ErrorBox} error=${error} title="Not saved" />
        <${SavedBanner} rec=${saved} />
        <${RefusedCandidate} candidate=${candidate} error=${error} />
        <${ManagedNote} managedBy=${draft.managed_by} kind="site" />
        <fieldset class="plain" disabled=${managed}>
          <div class="panel">
            <div class="row">
              <${Field} field="name" label="Name" value=${draft.name} onValue=${set("name")}
                disabled=${!isNew} placeholder="shop" required />
              <${Field} as="select" field="default_pool" label="Default pool (serves /)"
                value=${draft.default_pool ?? ""} onValue=${set("default_pool")}>
              <option value="">none</option>
              ${pools.map((p) => html`<option value=${p}>${p}</option>`)}
              ${draft.default_pool && !pools.includes(draft.default_pool) &&
                html`<option value=${draft.default_pool}>${draft.default_pool} (missing)</option>`}
            </${Field}>
            <${Field} field="client_max_body_size" label="Max body size" value=${draft
              .client_max_body_size}
              onValue=${set("client_max_body_size")} placeholder="1m (nginx default)" />
          </div>
          <${ListField} field="server_names" label="Server names" value=${draft.server_names}
            onValue=${set(
              "server_names",
            )} hint="One per line: shop.example.com, *.example.com, _ (any)" />
          <${Field} field="description" label="Description" value=${draft.description}
            onValue=${set("description")} />
        </div>
        <${RoutesEditor} routes=${draft.routes} pools=${pools} onValue=${set("routes")} />
        <${Listen} listen=${draft.listen} onValue=${set("listen")} />
        <${Tls} tls=${tls} onValue=${touch(setTls)} redirect=${draft
          .redirect_http} onRedirect=${set(
            "redirect_http",
          )} />
        <${IpRules} ip=${ip} onValue=${touch(setIp)} />
        <${Headers} rows=${headers} onValue=${touch(setHeaders)} />
        <${ExtraBlocks} blocks=${draft.extra_blocks} onValue=${set("extra_blocks")} />
        </fieldset>
        <div class="actions">
          ${!managed &&
            html`
              <${Button} type="submit" class="primary" busy=${busy}
                busyText="Saving and applying…">Save</${Button}>
            `}
          ${error && html`<span class="field-error">Not saved: ${error.code} (see above)</span>`}
          ${!isNew && !managed &&
            html`<${Button} class="danger" onClick=${remove} busyText="Deleting…">Delete site</${Button}>`}
          <a href="#/sites">Back to sites</a>
        </div>
        <${ErrorBox} error=${delError} title="Delete refused" />
      </form>
    </${FormError.Provider}>
    ${!managed && html`<${Preview} plural="sites" name=${draft.name} body=${() => {
      try {
        return body(namedRoutes(draft.routes));
      } catch {
        return specOf(draft);
      }
    }} />`}
  `;
}

export function SiteForm({ name }) {
  const { data, error } = useLoad(async () => {
    const [site, pools] = await Promise.all([
      name ? api("GET", `/api/sites/${enc(name)}`) : Promise.resolve(NEW_SITE),
      api("GET", "/api/pools"),
    ]);
    return { site, pools: pools.pools.map((p) => p.name) };
  }, [name]);
  return html`
    <div class="page-head">
      <h1>${name ? `Site ${name}` : "New site"}</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`<${Form} initial=${data.site} pools=${data.pools} isNew=${!name} />`}
  `;
}
