// One pool: settings and members. Saving sends the whole pool (PUT).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Check, Field, FormError, NumberField, useGroupInvalid } from "../ui/form.js";
import { carrySaved, specOf, useSave } from "../ui/save.js";
import { SavedBanner } from "../ui/saved.js";
import { Preview } from "../ui/preview.js";
import { navigate } from "../router.js";

const LB = ["round_robin", "least_conn", "ip_hash", "hash"];
const NEW_POOL = {
  name: "",
  description: "",
  lb_method: "round_robin",
  keepalive: 32,
  members: [],
};
const NEW_MEMBER = { address: "", weight: 1, backup: false, down: false };

function MemberRow({ m, i, set, remove }) {
  const at = `members[${i}]`;
  const invalid = useGroupInvalid(at);
  const upd = (k) => (v) => set({ ...m, [k]: v });
  return html`
    <tr class=${invalid ? "invalid" : ""} data-member=${i}>
      <td>
        <${Field} field=${`${at}.address`} label=${`Member ${i + 1} address`} hideLabel
          value=${m.address} onValue=${upd("address")} placeholder="127.0.0.1:9000" />
      </td>
      <td>
        <${NumberField} field=${`${at}.weight`} label=${`Member ${i + 1} weight`} hideLabel
          value=${m.weight} onValue=${upd("weight")} min="1" max="1000" />
      </td>
      <td>
        <${NumberField} field=${`${at}.max_fails`} label=${`Member ${i + 1} max fails`} hideLabel
          value=${m.max_fails} onValue=${upd("max_fails")} min="0" placeholder="1" />
      </td>
      <td>
        <${Field} field=${`${at}.fail_timeout`} label=${`Member ${i + 1} fail timeout`} hideLabel
          value=${m.fail_timeout} onValue=${(v) =>
            upd("fail_timeout")(v || undefined)} placeholder="10s" />
      </td>
      <td>
        <${Check} field=${`${at}.backup`} label="backup" checked=${m.backup} onValue=${upd(
          "backup",
        )} />
      </td>
      <td>
        <${Check} field=${`${at}.down`} label="down" checked=${m.down} onValue=${upd("down")} />
      </td>
      <td><button type="button" class="link" onClick=${remove}
        aria-label=${`Remove member ${i + 1}`}>Remove</button></td>
    </tr>
  `;
}

function Members({ members, onValue }) {
  const set = (i) => (m) => onValue(members.map((x, j) => (j === i ? m : x)));
  return html`
    <fieldset>
      <legend>Members</legend>
      ${members.length === 0 &&
        html`<p class="muted">No members: requests get 502 until you add one.</p>`}
      ${members.length > 0 && html`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Weight</th>
                <th>Max fails</th>
                <th>Fail timeout</th>
                <th>Backup</th>
                <th>Down</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${members.map((m, i) =>
              html`
                <${MemberRow} key=${i} m=${m} i=${i} set=${set(i)}
                  remove=${() => onValue(members.filter((_, j) => j !== i))} />
              `
            )}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${() =>
        onValue([...members, { ...NEW_MEMBER }])}>Add member</button>
      <p class="hint">Address: <code>host:port</code>, <code>[v6]:port</code> or <code>unix:/path</code>.</p>
    </fieldset>
  `;
}

function Form({ initial, isNew }) {
  const [draft, setDraft] = useState(initial);
  const { busy, error, saved, save } = useSave("pool", "pools");
  const [delError, setDelError] = useState(null);
  const set = (k) => (v) => setDraft((d) => ({ ...d, [k]: v }));
  async function submit(e) {
    e.preventDefault();
    const body = specOf(draft);
    if (body.lb_method !== "hash") {
      // Kept in the draft so switching back restores them, but only valid with hash.
      delete body.hash_key;
      delete body.hash_consistent;
    }
    const rec = await save(draft.name, body, isNew ? 0 : draft.version);
    if (!rec) return;
    setDraft(rec);
    if (isNew) {
      carrySaved(rec);
      navigate(`/pools/edit/${enc(rec.name)}`);
    }
  }
  async function remove() {
    if (!confirm(`Delete pool "${draft.name}"?`)) return;
    setDelError(null);
    try {
      await api("DELETE", `/api/pools/${enc(draft.name)}`);
      navigate("/pools");
    } catch (e) {
      setDelError(e);
    }
  }
  return html`
    <${FormError.Provider} value=${error}>
      <form onSubmit=${submit} novalidate aria-label="Pool">
        <${ErrorBox} error=${error} title="Not saved" />
        <${SavedBanner} rec=${saved} />
        ${draft.managed_by && html`<div class="warning">
          Managed by ${draft.managed_by.kind} "${draft.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${Field} field="name" label="Name" value=${draft.name} onValue=${set("name")}
              disabled=${!isNew} placeholder="web" hint=${isNew
                ? "Lower case letters, digits, '-'"
                : undefined} />
            <${Field} field="lb_method" label="Load balancing" as="select" value=${draft.lb_method}
              onValue=${set("lb_method")}>${LB.map((m) =>
                html`<option value=${m}>${m}</option>`
              )}</${Field}>
            <${NumberField} field="keepalive" label="Keepalive connections" value=${draft.keepalive}
              onValue=${set("keepalive")} min="0" />
          </div>
          ${draft.lb_method === "hash" && html`
            <div class="row">
              <${Field} field="hash_key" label="Hash key" value=${draft.hash_key}
                onValue=${(v) => set("hash_key")(v || undefined)} placeholder="$request_uri" grow />
              <${Check} field="hash_consistent" label="consistent (ketama)"
                checked=${draft.hash_consistent} onValue=${set("hash_consistent")} />
            </div>
          `}
          <${Field} field="description" label="Description" value=${draft.description}
            onValue=${set("description")} />
        </div>
        <${Members} members=${draft.members} onValue=${set("members")} />
        <div class="actions">
          <${Button} type="submit" class="primary" busy=${busy} busyText="Saving and applying…">Save</${Button}>
          ${error && html`<span class="field-error">Not saved: ${error.code} (see above)</span>`}
          ${!isNew &&
            html`<${Button} class="danger" onClick=${remove} busyText="Deleting…">Delete pool</${Button}>`}
          <a href="#/pools">Back to pools</a>
        </div>
        <${ErrorBox} error=${delError} title="Delete refused" />
      </form>
    </${FormError.Provider}>
    ${!isNew && html`<${Preview} kind="pool" name=${draft.name} />`}
  `;
}

export function PoolForm({ name }) {
  const { data, error } = useLoad(
    () => (name ? api("GET", `/api/pools/${enc(name)}`) : Promise.resolve(NEW_POOL)),
    [name],
  );
  return html`
    <div class="page-head">
      <h1>${name ? `Pool ${name}` : "New pool"}</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`<${Form} initial=${data} isNew=${!name} />`}
  `;
}
