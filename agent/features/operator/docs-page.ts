// /api/docs: the API reference as a page, served from the binary (no CDN): a
// small script reads /api/openapi.json and lists every endpoint by tag with
// its summary and request body schema. Public, like the document itself.
import { Hono } from "hono";
import { ApiDoc } from "../../api/openapi.ts";

export const docsPageDocs = new ApiDoc().describe("/api/docs", "get", {
  tag: "docs",
  summary: "This API reference as an HTML page, from /api/openapi.json (public, no CDN)",
});

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard API reference</title>
<link rel="stylesheet" href="/api/docs/docs.css">
</head><body>
<header><h1>Switchyard API reference</h1>
<p>Every endpoint of this agent, from <a href="/api/openapi.json">/api/openapi.json</a>.
Send the API key as <code>X-Agent-Key: &lt;key&gt;</code> or <code>Authorization: Bearer &lt;key&gt;</code>.</p>
<input id="filter" type="search" placeholder="filter: path, tag or words" aria-label="filter"></header>
<main id="api"><p>loading…</p></main>
<script src="/api/docs/docs.js"></script>
</body></html>`;

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f7f8fa}
header{padding:1rem 2rem;background:#1d3557;color:#fff}header a{color:#bde0fe}
#filter{width:min(40rem,100%);padding:.4rem;font-size:1rem;margin-top:.3rem}
main{padding:1rem 2rem}h2{margin:1.5rem 0 .5rem;text-transform:capitalize}
.op{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:.4rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
.get{color:#1b7f3b}.put{color:#9a6700}.post{color:#0b5cad}.delete{color:#b42318}.patch{color:#6f42c1}
code.path{font-size:1rem}.sum{margin:.3rem 0 0}details pre{background:#f0f2f5;padding:.5rem;overflow:auto}`;

const JS = `(async () => {
  const main = document.getElementById("api");
  const doc = await (await fetch("/api/openapi.json")).json();
  const el = (t, props = {}, ...kids) => {
    const e = document.createElement(t);
    Object.assign(e, props);
    for (const k of kids) e.append(k);
    return e;
  };
  const resolve = (s) => s && s.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s;
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const render = (q) => {
    main.replaceChildren();
    for (const [tag, ops] of byTag) {
      const shown = ops.filter((o) => !q ||
        (tag + " " + o.path + " " + o.method + " " + (o.op.summary || "")).toLowerCase().includes(q));
      if (!shown.length) continue;
      main.append(el("h2", { textContent: tag }));
      for (const { path, method, op } of shown) {
        const div = el("div", { className: "op" },
          el("span", { className: "m " + method, textContent: method.toUpperCase() }),
          el("code", { className: "path", textContent: path }),
          el("p", { className: "sum", textContent: op.summary || "" }));
        const body = op.requestBody && op.requestBody.content &&
          op.requestBody.content["application/json"];
        if (body) {
          div.append(el("details", {}, el("summary", { textContent: "request body" }),
            el("pre", { textContent: JSON.stringify(resolve(body.schema), null, 2) })));
        }
        main.append(div);
      }
    }
  };
  render("");
  document.getElementById("filter").addEventListener("input", (e) =>
    render(e.target.value.trim().toLowerCase()));
})().catch((e) => {
  document.getElementById("api").textContent = "cannot load /api/openapi.json: " + e;
});`;

export function docsRouter(): Hono {
  const r = new Hono();
  const headers = (type: string) => ({
    "content-type": type,
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
  r.get("/", (c) => c.body(PAGE, 200, headers("text/html; charset=utf-8")));
  r.get("/docs.js", (c) => c.body(JS, 200, headers("text/javascript; charset=utf-8")));
  r.get("/docs.css", (c) => c.body(CSS, 200, headers("text/css; charset=utf-8")));
  return r;
}
