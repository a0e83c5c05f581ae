// The routes table of a site: one row per nginx location, with its target
// (pool, upstream URL, redirect or static files) and the common switches; the
// rarer options open under "More".
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { Check, Field, useGroupInvalid } from "../ui/form.js";
import { ListField } from "../ui/list-input.js";

export const TARGETS = ["pool", "upstream", "redirect", "static"];
const CODES = [301, 302, 303, 307, 308];

export function targetOf(r) {
  return TARGETS.find((t) => r[t] !== undefined) || "pool";
}

function withTarget(r, kind) {
  const n = { ...r };
  for (const t of TARGETS) delete n[t];
  n[kind] = kind === "redirect" ? { url: "", code: 301 } : kind === "static" ? { root: "" } : "";
  if (kind === "redirect") n.websocket = false;
  return n;
}

export function newRoute() {
  return { name: "", path: "/", match: "prefix", pool: "", websocket: false, strip_prefix: false };
}

/** A route name from its path when the operator left it empty: "/api/" -> "api". */
export function routeName(path, taken) {
  const base = (path || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 56) || "root";
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

function Target({ r, at, label, pools, set }) {
  const kind = targetOf(r);
  if (kind === "pool") {
    return html`
      <${Field} as="select" field=${`${at}.pool`} label=${`${label} pool`} hideLabel
        value=${r.pool} onValue=${(v) => set({ ...r, pool: v })}>
            <option value="">— choose a pool —</option>
            ${pools.map((p) => html`<option value=${p}>${p}</option>`)}
            ${r.pool && !pools.includes(r.pool) &&
              html`<option value=${r.pool}>${r.pool} (missing)</option>`}
          </${Field}>
    `;
  }
  if (kind === "upstream") {
    return html`
      <${Field} field=${`${at}.upstream`} label=${`${label} upstream URL`} hideLabel
        value=${r.upstream} onValue=${(v) =>
          set({ ...r, upstream: v })} placeholder="http://127.0.0.1:9000" />
    `;
  }
  if (kind === "redirect") {
    return html`
      <div class="row">
        <${Field} field=${`${at}.redirect.url`} label=${`${label} redirect URL`} hideLabel grow
          value=${r.redirect.url} onValue=${(v) =>
            set({ ...r, redirect: { ...r.redirect, url: v } })}
          placeholder="https://example.com$request_uri" />
        <${Field} as="select" field=${`${at}.redirect.code`} label=${`${label} redirect code`} hideLabel
          value=${String(r.redirect.code ?? 301)}
          onValue=${(v) => set({ ...r, redirect: { ...r.redirect, code: Number(v) } })}>
              ${CODES.map((c) => html`<option value=${String(c)}>${c}</option>`)}
            </${Field}>
          </div>
    `;
  }
  return html`
    <${Field} field=${`${at}.static.root`} label=${`${label} static root`} hideLabel
      value=${r.static.root} onValue=${(v) => set({ ...r, static: { ...r.static, root: v } })}
      placeholder="/srv/www" />
  `;
}

function More({ r, at, label, set }) {
  const upd = (k) => (v) => set({ ...r, [k]: v === "" ? undefined : v });
  return html`
    <div class="row">
      <${Check} field=${`${at}.preserve_host`} label="send the client's Host"
        checked=${r.preserve_host !== false} onValue=${(v) => set({ ...r, preserve_host: v })} />
      ${["connect_timeout", "read_timeout", "send_timeout"].map((k) =>
        html`
          <${Field} field=${`${at}.${k}`} label=${k.replace("_", " ")} value=${r[k]}
            onValue=${upd(k)} placeholder="e.g. 30s" aria-label=${`${label} ${
              k.replace("_", " ")
            }`} />
        `
      )}
    </div>
    ${r.static && html`
      <div class="row">
        <${ListField} field=${`${at}.static.index`} label="Index files" value=${r.static.index ??
          ["index.html"]}
          onValue=${(v) => set({ ...r, static: { ...r.static, index: v } })} rows="1" />
        <${Check} field=${`${at}.static.autoindex`} label="directory listing"
          checked=${r.static.autoindex} onValue=${(v) =>
            set({ ...r, static: { ...r.static, autoindex: v } })} />
      </div>
    `}
    <${Field} as="textarea" field=${`${at}.extra`} label="Extra nginx directives in this location"
      value=${r.extra} onValue=${upd("extra")} placeholder="proxy_buffering off;" />
    ${r.ip_rules && html`<p class="hint">
      This route has its own IP rules (${r.ip_rules.mode} ${
      r.ip_rules.addresses.join(", ")
    }): they are kept as they are.
    </p>`}
  `;
}

function RouteRow({ r, i, pools, set, remove }) {
  const at = `routes[${i}]`;
  const label = `Route ${i + 1}`;
  const invalid = useGroupInvalid(at);
  const [open, setOpen] = useState(false);
  const kind = targetOf(r);
  const proxied = kind === "pool" || kind === "upstream";
  return html`
    <tr class=${invalid ? "invalid" : ""} data-route=${i}>
      <td>
        <${Field} field=${`${at}.name`} label=${`${label} name`} hideLabel value=${r.name}
          onValue=${(v) => set({ ...r, name: v })} placeholder="(from path)" />
      </td>
      <td>
        <${Field} field=${`${at}.path`} label=${`${label} path`} hideLabel value=${r.path}
          onValue=${(v) => set({ ...r, path: v })} />
      </td>
      <td>
        <${Field} as="select" field=${`${at}.match`} label=${`${label} match`} hideLabel
          value=${r.match ?? "prefix"} onValue=${(v) => set({ ...r, match: v })}>
        <option value="prefix">prefix</option><option value="exact">exact</option><option value="regex">regex</option>
      </${Field}></td>
      <td><label class="sr-only" for=${`tk-${i}`}>${label} target kind</label>
        <select id=${`tk-${i}`} value=${kind} onChange=${(e) =>
          set(withTarget(r, e.currentTarget.value))}>
          ${TARGETS.map((t) => html`<option value=${t}>${t}</option>`)}
        </select></td>
      <td class="target"><${Target} r=${r} at=${at} label=${label} pools=${pools} set=${set} /></td>
      <td>${proxied && html`
        <${Check} field=${`${at}.websocket`} label="WebSocket" checked=${r.websocket}
          onValue=${(v) => set({ ...r, websocket: v })} />
      `}
        ${kind !== "redirect" && html`
          <${Check} field=${`${at}.strip_prefix`} label="strip prefix"
            checked=${r.strip_prefix} onValue=${(v) => set({ ...r, strip_prefix: v })} />
        `}</td>
      <td>
        <button type="button" class="link" aria-expanded=${open ? "true" : "false"}
          onClick=${() => setOpen(!open)} aria-label=${`${
            open ? "Hide" : "More"
          } options of route ${i + 1}`}>${open ? "Less" : "More"}</button>
        <button type="button" class="link" onClick=${remove} aria-label=${`Delete route ${
          i + 1
        }`}>Delete</button>
      </td>
    </tr>
    ${open && html`
      <tr class=${invalid ? "invalid" : ""}>
        <td colspan="7">
          <${More} r=${r} at=${at} label=${label} set=${set} />
        </td>
      </tr>
    `}
  `;
}

export function RoutesEditor({ routes, pools, onValue }) {
  const set = (i) => (r) => onValue(routes.map((x, j) => (j === i ? r : x)));
  return html`
    <fieldset>
      <legend>Routes</legend>
      ${routes.length === 0 &&
        html`<p class="muted">No routes: the default pool (if any) serves <code>/</code>.</p>`}
      ${routes.length > 0 && html`
        <div class="table-wrap">
          <table class="routes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Path</th>
                <th>Match</th>
                <th>Target</th>
                <th><span class="sr-only">Target value</span></th>
                <th>Options</th>
                <th><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>${routes.map((r, i) =>
              html`
                <${RouteRow} key=${i} r=${r} i=${i} pools=${pools} set=${set(i)}
                  remove=${() => onValue(routes.filter((_, j) => j !== i))} />
              `
            )}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${() => onValue([...routes, newRoute()])}>Add route</button>
      <p class="hint">Paths start with <code>/</code>; <code>regex</code> takes a regular expression.
        Strip prefix sends <code>/api/x</code> to the target as <code>/x</code>.</p>
    </fieldset>
  `;
}
