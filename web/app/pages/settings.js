// Settings: every setting with its running value, default and source; edit one
// (written to config.toml, comments kept), see which wait for a restart, and
// restart (under systemd) or read how to. Settings fixed by an AGENT_*
// environment variable are shown but not editable.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";

const show = (v) => (v === "" ? '""' : String(v));

function Editor({ s, onSaved }) {
  const [value, setValue] = useState(s.secret ? "" : String(s.file_value ?? s.value));
  const [error, setError] = useState(null);
  const save = async () => {
    setError(null);
    try {
      const v = s.type === "int" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      await api("PUT", `/api/config/settings/${s.name}`, { value: v });
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  const id = `set-${s.name}`;
  const input = s.type === "enum" || s.type === "bool"
    ? html`<select id=${id} value=${value} onChange=${(e) => setValue(e.target.value)}>
        ${(s.values ?? ["true", "false"]).map((v) => html`<option value=${v}>${v}</option>`)}
      </select>`
    : html`
      <input id=${id} type=${s.secret ? "password" : "text"} value=${value}
        placeholder=${s.secret ? "new value" : ""}
        onInput=${(e) => setValue(e.target.value)} />
    `;
  return html`<div class="row" data-editor=${s.name}>
    <label for=${id} class="sr-only">${s.name}</label>
    ${input}
    <${Button} class="primary" onClick=${save} busyText="Saving…">Save</${Button}>
    <${ErrorBox} error=${error} />
  </div>`;
}

function SettingRow({ s, editing, setEditing, onSaved }) {
  return html`
    <tr data-setting=${s.name} class=${s.restart_needed ? "pending" : ""}>
      <td><code>${s.name}</code><div class="hint">${s.description}</div></td>
      <td data-value>${show(s.value)}${s.restart_needed && html`
        <div class="warning" data-pending>after restart: ${show(s.file_value ?? "(default)")}</div>
      `}</td>
      <td class="muted">${show(s.default)}</td>
      <td>${s.source === "environment"
        ? html`<span title=${`fixed by ${s.env}`}>env ${s.env}</span>`
        : s.source}</td>
      <td>${s.editable
        ? editing === s.name
          ? html`<${Editor} s=${s} onSaved=${() => {
            setEditing(null);
            onSaved();
          }} />`
          : html`<button type="button" onClick=${() => setEditing(s.name)}>Edit</button>`
        : html`<span class="muted">fixed by the environment</span>`}</td>
    </tr>
  `;
}

function Settings() {
  const { data, error, reload } = useLoad(() => api("GET", "/api/config/settings"), []);
  const [editing, setEditing] = useState(null);
  const [restart, setRestart] = useState(null);
  const [restartError, setRestartError] = useState(null);
  const doRestart = async () => {
    setRestartError(null);
    try {
      setRestart(await api("POST", "/api/config/settings/restart"));
    } catch (e) {
      setRestartError(e);
    }
  };
  const groups = data ? [...new Set(data.settings.map((s) => s.group))] : [];
  return html`
    <div class="page-head">
      <h1>Settings</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`
      <section class="panel" aria-labelledby="set-file">
        <h2 id="set-file">Settings file</h2>
        <p><code>${data.config_file}</code>${!data.config_file_exists &&
          " (not present yet: defaults)"}.
          Saving writes the value into this file in place; the agent reads it when it starts.</p>
        ${data.restart_pending
          ? html`<div class="warning" role="status" data-restart-pending>
              ${data.settings.filter((s) => s.restart_needed).length} setting(s) wait for a restart.
              <${Button} onClick=${doRestart} busyText="Restarting…">Restart the agent</${Button}>
            </div>`
          : html`<p class="muted" data-restart-pending="none">Nothing waits for a restart.</p>`}
        <${ErrorBox} error=${restartError} />
        ${restart &&
          html`<div class=${restart.restarted ? "success" : "warning"} role="status" data-restart>
          ${restart.restarted ? `Restarting: ${restart.command}` : restart.how}</div>`}
      </section>
      ${groups.map((g) =>
        html`
          <section class="panel" aria-label=${g}>
            <h2>${g}</h2>
            <table class="list">
              <thead>
                <tr>
                  <th>Setting</th>
                  <th>Value</th>
                  <th>Default</th>
                  <th>Source</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>${data.settings.filter((s) => s.group === g).map((s) =>
                html`<${SettingRow} s=${s} editing=${editing} setEditing=${setEditing} onSaved=${reload} />`
              )}</tbody>
            </table>
          </section>
        `
      )}
    `}
  `;
}

definePage({ path: "/settings", title: "Settings", component: Settings });
