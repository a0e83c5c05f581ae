// One project: activate it (PUT status active: service, internal hop, route,
// external hop), deactivate it (PUT status inactive) or forget it (DELETE).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Field, FormError, NumberField } from "../ui/form.js";
import { carrySaved, useSave } from "../ui/save.js";
import { SavedBanner } from "../ui/saved.js";
import { navigate } from "../router.js";
import { hopText } from "./project-health.js";

const NEW_PROJECT = { name: "", description: "", command: "", root: "", health_path: "" };

/** The body a PUT takes: optional fields left empty get the API's defaults. */
export function projectBody(draft, status) {
  const body = { name: draft.name, port: draft.port, status };
  for (const k of ["description", "command", "root", "health_path"]) {
    const v = typeof draft[k] === "string" ? draft[k].trim() : draft[k];
    if (v) body[k] = v;
  }
  return body;
}

/** What an activation answered: the service, both hops, files and warnings. */
function Activation({ rec }) {
  const internal = rec.checks?.internal;
  const external = rec.checks?.external;
  return html`
    <section class="panel" aria-label="Activation" data-activation=${rec.name}>
      <dl class="facts">
        ${rec.service && html`
          <dt>Service</dt>
          <dd>${rec.service.manager} ${rec.service.state}${rec.service.pid
            ? ` (pid ${rec.service.pid})`
            : ""}</dd>
        `}
        ${internal && html`
          <dt>Internal hop</dt>
          <dd data-hop="internal">${internal.url}: ${hopText(internal)}</dd>
        `}
        ${external && html`
          <dt>External hop</dt>
          <dd data-hop="external">${external.url ? `${external.url}: ` : ""}${hopText(
            external,
          )}</dd>
        `}
        ${rec.url && html`
          <dt>Address</dt>
          <dd><a href=${rec.url}>${rec.url}</a></dd>
        `}
        ${rec.scaffolded && html`
          <dt>Scaffolded</dt>
          <dd><code>${rec.scaffolded}</code></dd>
        `}
      </dl>
      ${(rec.warnings || []).map((w) => html`<div class="warning">${w}</div>`)}
    </section>
  `;
}

function Form({ initial, isNew }) {
  const [draft, setDraft] = useState(initial);
  const { busy, error, saved, save } = useSave("project", "projects");
  const [other, setOther] = useState({ error: null, rec: null });
  const set = (k) => (v) => setDraft((d) => ({ ...d, [k]: v }));
  async function submit(e) {
    e.preventDefault();
    setOther({ error: null, rec: null });
    const rec = await save(draft.name, projectBody(draft, "active"), isNew ? 0 : draft.version);
    if (!rec) return;
    setDraft((d) => ({ ...d, ...rec }));
    if (isNew) {
      carrySaved(rec);
      navigate(`/projects/edit/${enc(rec.name)}`);
    }
  }
  // Deactivate keeps the record (and the directory); forget deletes the record.
  const change = (what) => async () => {
    const ask = what === "deactivate"
      ? `Deactivate project "${draft.name}"? Its route is removed and its service stopped.`
      : `Forget project "${draft.name}"? It is deactivated and its record deleted; its directory stays.`;
    if (!confirm(ask)) return;
    setOther({ error: null, rec: null });
    try {
      const rec = what === "deactivate"
        ? await api("PUT", `/api/projects/${enc(draft.name)}`, projectBody(draft, "inactive"), {
          ifMatch: draft.version,
        })
        : await api("DELETE", `/api/projects/${enc(draft.name)}`);
      if (what === "forget") return navigate("/projects");
      setDraft((d) => ({ ...d, ...rec }));
      setOther({ error: null, rec });
    } catch (e) {
      setOther({ error: e, rec: null });
    }
  };
  const diagnosis = error?.detail?.diagnosis;
  return html`
    <${FormError.Provider} value=${error}>
      <form onSubmit=${submit} novalidate aria-label="Project">
        <${ErrorBox} error=${error} title="Not activated" />
        ${diagnosis && html`<pre data-diagnosis>${diagnosis}</pre>`}
        <${SavedBanner} rec=${saved} />
        ${saved && html`<${Activation} rec=${saved} />`}
        ${other.rec && html`
          <div class="success" role="status">Deactivated: the route is removed and the service
            ${other.rec.service?.state ?? "stopped"}.</div>
        `}
        <${ErrorBox} error=${other.error} title="Refused" />
        ${!isNew && html`
          <p>Status: <span class=${`badge ${draft.status === "active" ? "ok" : ""}`}>${draft
            .status}</span>${draft.directory && html`
            · directory <code>${draft.directory}</code>
          `}</p>
        `}
        <div class="panel">
          <div class="row">
            <${Field} field="name" label="Name" value=${draft.name} onValue=${set("name")}
              disabled=${!isNew} placeholder="shop" hint=${isNew
                ? "Lower case letters, digits, '-': served at /<name>/"
                : undefined} />
            <${NumberField} field="port" label="Port" value=${draft.port} onValue=${set("port")}
              min="1024" max="65535" placeholder="9100" hint="127.0.0.1:<port>, 1024-65535" />
          </div>
          <div class="row">
            <${Field} field="command" label="Command" value=${draft.command} onValue=${set(
              "command",
            )} placeholder="python3 web.py" grow
              hint="Run in the project directory, without a shell; empty: python3 web.py (scaffolded)" />
            <${Field} field="health_path" label="Health path" value=${draft.health_path}
              onValue=${set("health_path")} placeholder="/health" />
          </div>
          <${Field} field="root" label="Root directory" value=${draft.root} onValue=${set("root")}
            placeholder="(the projects_root setting)"
            hint="The project lives in <root>/<name>/; empty: the projects_root setting" />
          <${Field} field="description" label="Description" value=${draft.description}
            onValue=${set("description")} />
        </div>
        <div class="actions">
          <${Button} type="submit" class="primary" busy=${busy} busyText="Activating…">${isNew ||
              draft.status !== "active"
            ? "Activate"
            : "Save and re-activate"}</${Button}>
          ${error &&
            html`<span class="field-error">Not activated: ${error.code} (see above)</span>`}
          ${!isNew && draft.status === "active" && html`
            <${Button} class="danger" onClick=${change(
              "deactivate",
            )} busyText="Deactivating…">Deactivate</${Button}>
          `}
          ${!isNew &&
            html`<${Button} class="danger" onClick=${
              change("forget")
            } busyText="Forgetting…">Forget</${Button}>`}
          <a href="#/projects">Back to projects</a>
        </div>
      </form>
    </${FormError.Provider}>
  `;
}

export function ProjectForm({ name }) {
  const { data, error } = useLoad(
    () => (name ? api("GET", `/api/projects/${enc(name)}`) : Promise.resolve(NEW_PROJECT)),
    [name],
  );
  return html`
    <div class="page-head">
      <h1>${name ? `Project ${name}` : "Activate a project"}</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`<${Form} initial=${data} isNew=${!name} />`}
  `;
}
