// One pool: settings and members. Saving sends the whole pool (PUT).
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Check, Field, FormError, NumberField, useGroupInvalid } from "../ui/form.js";
import { carrySaved, requireFields, specOf, useSave } from "../ui/save.js";
import { SavedBanner } from "../ui/saved.js";
import { Preview, RefusedCandidate } from "../ui/preview.js";
import { useUnsaved } from "../ui/guard.js";
import { ManagedNote } from "../ui/managed.js";
import { navigate } from "../router.js";
import { NodeSetup, storageBody, StorageFields } from "./pool-storage.js";

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
  const [creds, setCreds] = useState({ access_key: "", secret_key: "" });
  const { busy, error, saved, candidate, save, setError } = useSave("pool", "pools", {
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
  function bodyOf() {
    const body = storageBody(specOf(draft), creds, !!draft.credentials);
    if (body.lb_method !== "hash") {
      // Kept in the draft so switching back restores them, but only valid with hash.
      delete body.hash_key;
      delete body.hash_consistent;
    }
    return body;
  }
  async function submit(e) {
    e.preventDefault();
    const missing = requireFields([
      ["name", "Name", draft.name],
      ...draft.members.map((
        m,
        i,
      ) => [`members[${i}].address`, `Member ${i + 1} address`, m.address]),
    ]);
    if (missing) return setError(missing);
    const rec = await save(draft.name, bodyOf(), isNew ? 0 : draft.version);
    if (!rec) return;
    setTouched(false);
    setDraft(rec);
    setCreds({ access_key: "", secret_key: "" });
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
        <${RefusedCandidate} candidate=${candidate} error=${error} />
        <${ManagedNote} managedBy=${draft.managed_by} kind="pool" />
        <fieldset class="plain" disabled=${managed}>
          <div class="panel">
            <div class="row">
              <${Field} field="name" label="Name" value=${draft.name} onValue=${set("name")}
                disabled=${!isNew} placeholder="web" required hint=${isNew
                  ? "Lower case letters, digits, '-'"
                  : undefined} />
              <${Field} field="lb_method" label="Load balancing" as="select" value=${draft
                .lb_method}
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
        <${StorageFields} draft=${draft} set=${set} creds=${creds} setCreds=${setCreds} />
        <${Members} members=${draft.members} onValue=${set("members")} />
        </fieldset>
        <div class="actions">
          ${!managed &&
            html`
              <${Button} type="submit" class="primary" busy=${busy}
                busyText="Saving and applying…">Save</${Button}>
            `}
          ${error && html`<span class="field-error">Not saved: ${error.code} (see above)</span>`}
          ${!isNew && !managed &&
            html`<${Button} class="danger" onClick=${remove} busyText="Deleting…">Delete pool</${Button}>`}
          <a href="#/pools">Back to pools</a>
        </div>
        <${ErrorBox} error=${delError} title="Delete refused" />
      </form>
    </${FormError.Provider}>
    ${!isNew && html`<${NodeSetup} pool=${draft} />`}
    ${!managed && html`<${Preview} plural="pools" name=${draft.name} body=${bodyOf} />`}
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
    ${data && html`<${SharedUpstream} upstream=${data.upstream} />`}
    ${data && html`<${Form} initial=${data} isNew=${!name} />`}
  `;
}

/** Identical pools share one nginx upstream (share_upstreams): say which serves this one. */
function SharedUpstream({ upstream }) {
  if (!upstream?.shared_with?.length) return null;
  const n = upstream.shared_with.length;
  const others = `${n === 1 ? "pool" : "pools"} ${upstream.shared_with.join(", ")}`;
  return html`<p class="muted" data-testid="shared-upstream">
    Served by the shared upstream <code>${upstream.name}</code> (in <code>${upstream.file}</code>)${" "}
    with the identical ${others}: a change of this pool's members gives it its own again.
  </p>`;
}
