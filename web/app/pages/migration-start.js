// The form that starts a migration: a site whose default pool is nanio, the
// source pool, a bucket routed to that pool (from the site's buckets), the
// destination, mode and read order. The agent's pre-flight refusals name a field,
// which lights up here.
import { useEffect, useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { Check, Field, focusField, FormError } from "../ui/form.js";
import { toast } from "../ui/toast.js";

async function loadChoices() {
  const [p, s] = await Promise.all([api("GET", "/api/pools"), api("GET", "/api/sites")]);
  const pools = p.pools.filter((x) => x.type === "nanio").map((x) => x.name);
  const nanio = new Set(pools);
  const sites = s.sites.filter((x) => nanio.has(x.default_pool)).map((x) => x.name);
  return { pools, sites };
}

/** The buckets of `site` routed to `pool`: the ones a migration from `pool` may move. */
export function routedBuckets(buckets, pool) {
  return buckets.filter((b) => b.status === "routed" && b.routed_pool === pool && !b.http)
    .map((b) => b.bucket);
}

export function StartForm({ onStarted }) {
  const choices = useLoad(loadChoices, []);
  const [f, setF] = useState({
    site: "",
    src_pool: "",
    bucket: "",
    dst_pool: "",
    mode: "copy",
    read_order: "source_first",
    force: false,
  });
  const [error, setError] = useState(null);
  const [warnings, setWarnings] = useState([]);
  const set = (k) => (v) => setF((x) => ({ ...x, [k]: v }));
  const c = choices.data;
  // The site's buckets; the source pool starts as the first one a bucket is routed to.
  const siteBuckets = useLoad(
    async () => f.site ? (await api("GET", `/api/sites/${enc(f.site)}/buckets`)).buckets : null,
    [f.site],
  );
  const all = siteBuckets.data;
  // First choices once the lists arrive; the destination is never the source.
  useEffect(() => {
    if (!c) return;
    setF((x) => {
      const site = x.site || c.sites[0] || "";
      const routed = c.pools.find((p) => all && routedBuckets(all, p).length > 0);
      const src = x.src_pool || (all ? routed || c.pools[0] || "" : "");
      const dst = x.dst_pool && x.dst_pool !== src
        ? x.dst_pool
        : c.pools.find((p) => p !== src) || "";
      return { ...x, site, src_pool: src, dst_pool: dst };
    });
  }, [c, all, f.src_pool]);
  const list = all ? routedBuckets(all, f.src_pool) : [];
  useEffect(() => {
    if (!list.includes(f.bucket)) set("bucket")(list[0] ?? "");
  }, [list.join(",")]);
  async function start(e) {
    e?.preventDefault();
    setError(null);
    setWarnings([]);
    try {
      const body = { ...f };
      if (body.mode !== "sync") delete body.force;
      const r = await api("POST", "/api/migrations", body);
      setWarnings(r.cascade_warnings ?? []);
      toast(`Started migration ${r.id}: ${r.bucket} ${r.src} → ${r.dst}`);
      await onStarted(r);
      await siteBuckets.reload();
    } catch (err) {
      setError(err);
      focusField(err);
    }
  }
  if (choices.error) return html`<${ErrorBox} error=${choices.error} />`;
  if (!c) return html`<p class="muted">Loading…</p>`;
  if (c.pools.length < 2 || c.sites.length === 0) {
    return html`<p class="muted" data-cannot-start>A migration needs two nanio pools and a site
      whose default pool is nanio.</p>`;
  }
  const opts = (xs) => xs.map((x) => html`<option value=${x}>${x}</option>`);
  return html`
    <${FormError.Provider} value=${error}>
      <form onSubmit=${start} aria-label="Start a migration" data-start-form>
        <div class="row">
          <${Field} field="site" label="Site" as="select" value=${f.site} onValue=${set("site")}>
            ${opts(c.sites)}
          </${Field}>
          <${Field} field="src_pool" label="From pool" as="select" value=${f.src_pool}
            onValue=${set("src_pool")}>${opts(c.pools)}</${Field}>
          <${Field} field="bucket" label="Bucket" as="select" value=${f.bucket}
            onValue=${set("bucket")} disabled=${list.length === 0}
            hint=${list.length === 0 && all
              ? `No bucket of ${f.site} is routed to ${f.src_pool}: promote one on Buckets first.`
              : undefined}>${opts(list)}</${Field}>
          <${Field} field="dst_pool" label="To pool" as="select" value=${f.dst_pool}
            onValue=${set("dst_pool")}>${opts(c.pools.filter((p) => p !== f.src_pool))}</${Field}>
        </div>
        <div class="row">
          <${Field} field="mode" label="Mode" as="select" value=${f.mode} onValue=${set("mode")}
            hint=${f.mode === "sync"
              ? "sync deletes destination keys absent on the source (before the split only)."
              : "copy never deletes what the destination holds."}>
            <option value="copy">copy</option>
            <option value="sync">sync</option>
          </${Field}>
          <${Field} field="read_order" label="Reads during the split" as="select"
            value=${f.read_order} onValue=${set("read_order")}>
            <option value="source_first">source first (404: destination)</option>
            <option value="destination_first">destination first (404: source)</option>
          </${Field}>
          ${f.mode === "sync" && html`
            <${Check} field="force" label="Sync into a destination that holds objects"
              checked=${f.force} onValue=${set("force")} />
          `}
        </div>
        <${ErrorBox} error=${error} title="Not started" />
        ${warnings.map((w) => html`<div class="warning" role="status">${w}</div>`)}
        <${Button} type="submit" class="primary" onClick=${start} disabled=${!f.bucket}
          busyText="Starting…">Start migration</${Button}>
      </form>
    </${FormError.Provider}>
  `;
}
