// Buckets of the sites whose default pool is nanio (#/buckets, #/buckets/<site>):
// status badges, sync, promote (with the allow_orphan choice when objects would
// be left behind), ignore, unroute, the orphan scan and purge with the bucket
// name typed back.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";

const BADGE = { routed: "ok", unrouted: "warn", migrating: "warn", ignored: "", deleted: "bad" };

function SiteList() {
  const { data, error } = useLoad(async () => {
    const [p, s] = await Promise.all([api("GET", "/api/pools"), api("GET", "/api/sites")]);
    const nanio = new Set(p.pools.filter((x) => x.type === "nanio").map((x) => x.name));
    return s.sites.filter((x) => nanio.has(x.default_pool));
  }, []);
  return html`
    <div class="page-head">
      <h1>Buckets</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`
      <div class="panel">
        ${data.length === 0
          ? html`<p class="muted">No site has a nanio default pool yet.</p>`
          : html`<ul>${
            data.map((s) =>
              html`<li><a href=${`#/buckets/${
                enc(s.name)
              }`}>${s.name}</a> <span class="muted">default pool ${s.default_pool}</span></li>`
            )
          }</ul>`}
      </div>
    `}
  `;
}

function PromoteCell({ site, b, pools, onDone }) {
  const [pool, setPool] = useState(b.routed_pool || pools[0] || "");
  const [conflict, setConflict] = useState(null);
  const [error, setError] = useState(null);
  async function promote(allow) {
    setError(null);
    try {
      await api("POST", `/api/sites/${enc(site)}/buckets/${enc(b.bucket)}/promote`, {
        pool,
        allow_orphan: allow,
      });
      setConflict(null);
      await onDone();
    } catch (e) {
      if (e.field === "allow_orphan") setConflict(e);
      else setError(e);
    }
  }
  return html`
    <div class="row">
      <select aria-label=${`Pool for ${b.bucket}`} value=${pool} onChange=${(e) =>
        setPool(e.target.value)}>
        ${pools.map((p) => html`<option value=${p}>${p}</option>`)}
      </select>
      <${Button} onClick=${() =>
        promote(false)} busyText="Routing…" aria-label=${`Promote ${b.bucket}`}>Promote</${Button}>
    </div>
    ${conflict && html`
      <div class="warning" role="alert" data-orphan-conflict>
        <p>${conflict.message}</p>
        <${Button} class="danger" onClick=${() => promote(true)}
          busyText="Routing…">Route anyway (leave orphans)</${Button}>
        <button type="button" class="link" onClick=${() => setConflict(null)}>Cancel</button>
      </div>
    `}
    <${ErrorBox} error=${error} title="Not routed" />
  `;
}

function Orphans({ site, onDone }) {
  const [scan, setScan] = useState(null);
  const [typed, setTyped] = useState({});
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  async function run() {
    setError(null);
    try {
      setScan(await api("GET", `/api/sites/${enc(site)}/buckets/orphans`));
    } catch (e) {
      setError(e);
    }
  }
  async function purge(bucket) {
    setError(null);
    try {
      const r = await api("POST", `/api/sites/${enc(site)}/buckets/${enc(bucket)}/purge-orphan`, {
        confirm: typed[bucket] || "",
      });
      setResult(`Deleted ${r.deleted} orphan object(s) of ${r.bucket} from ${r.pool}.`);
      await run();
      await onDone();
    } catch (e) {
      setError(e);
    }
  }
  return html`
    <section class="panel" aria-label="Orphans">
      <h2>Orphans</h2>
      <p class="hint">Objects a routed bucket left on the default pool.</p>
      <${Button} onClick=${run} busyText="Scanning…">Scan for orphans</${Button}>
      ${result && html`<div class="success" role="status">${result}</div>`}
      <${ErrorBox} error=${error} title="Refused" />
      ${scan &&
        (scan.orphans.length === 0
          ? html`<p class="muted" data-no-orphans>No orphans on ${scan.default_pool}.</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th class="num">Objects</th>
                  <th>Routed to</th>
                  <th>Purge</th>
                </tr>
              </thead>
              <tbody>${scan.orphans.map((o) =>
                html`
                  <tr data-orphan=${o.bucket}>
                    <td>${o.bucket}</td>
                    <td class="num">${o.objects}</td>
                    <td>${o.routed_pool}</td>
                    <td><input aria-label=${`Type ${o.bucket} to confirm`} placeholder=${o.bucket}
                                  value=${typed[o.bucket] || ""} onInput=${(e) =>
                                    setTyped({ ...typed, [o.bucket]: e.target.value })} />
                                  <${Button} class="danger" disabled=${typed[o.bucket] !== o.bucket}
                                    onClick=${() => purge(o.bucket)} busyText="Purging…">Purge ${o
                                      .objects} object(s)</${Button}></td></tr>
                `
              )}</tbody>
            </table>
          `)}
    </section>
  `;
}

function SiteBuckets({ site }) {
  const { data, error, reload } = useLoad(async () => {
    const [b, p] = await Promise.all([
      api("GET", `/api/sites/${enc(site)}/buckets`),
      api("GET", "/api/pools"),
    ]);
    return { ...b, pools: p.pools.filter((x) => x.type === "nanio").map((x) => x.name) };
  }, [site]);
  const [actionError, setActionError] = useState(null);
  const act = (method, path) => async () => {
    setActionError(null);
    try {
      await api(method, path);
    } catch (e) {
      setActionError(e);
    }
    await reload();
  };
  return html`
    <div class="page-head">
      <h1>Buckets of ${site}</h1>
      <${Button} onClick=${act(
        "POST",
        `/api/sites/${enc(site)}/buckets/sync`,
      )} busyText="Syncing…">Sync now</${Button}>
    </div>
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${actionError} title="Refused" />
    ${data && html`
      <div class="panel table-wrap">
        <p class="hint">Default pool <strong>${data
          .default_pool}</strong>: unrouted buckets are served by it.</p>
        ${data.buckets.length === 0
          ? html`<p class="muted">No buckets known yet: sync lists the default pool's buckets.</p>`
          : html`
            <table>
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th>Status</th>
                  <th>Served by</th>
                  <th>Route</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${data.buckets.filter((b) => !b.http).map((b) =>
                html`
                  <tr data-bucket=${b.bucket}>
                    <td>${b.bucket}</td>
                    <td><span class=${`badge ${BADGE[b.status] ?? ""}`}>${b.status}</span>
                                    ${b.routed_target_missing &&
                                      html`<span class="badge bad">missing on ${b.routed_pool}</span>`}</td>
                    <td>${b.served_by ?? "–"}</td>
                    <td>${b.status !== "migrating" && b.status !== "deleted" &&
                      html`<${PromoteCell} site=${site} b=${b} pools=${data.pools} onDone=${reload} />`}</td>
                    <td>
                                    ${b.status === "routed" && html`
                                      <${Button} onClick=${act(
                                        "DELETE",
                                        `/api/sites/${enc(site)}/buckets/${enc(b.bucket)}/route`,
                                      )}
                                        busyText="Unrouting…" aria-label=${`Unroute ${b.bucket}`}>Unroute</${Button}>
                                    `}
                                    ${(b.status === "unrouted" || b.status === "deleted") && html`
                                      <${Button}
                                        onClick=${act(
                                          "POST",
                                          `/api/sites/${enc(site)}/buckets/${enc(b.bucket)}/ignore`,
                                        )}
                                        aria-label=${`Ignore ${b.bucket}`}>Ignore</${Button}>
                                    `}
                                  </td>
                  </tr>
                `
              )}</tbody>
            </table>
          `}
      </div>
      <${Orphans} site=${site} onDone=${reload} />
    `}
  `;
}

function BucketsPage({ route }) {
  const [site] = route.rest;
  return site ? html`<${SiteBuckets} key=${site} site=${site} />` : html`<${SiteList} />`;
}

definePage({ path: "/buckets", title: "Buckets", component: BucketsPage });
