// Logs: the end of nginx's error and access logs and of each project's log.
// Follow asks for what was appended every 2 s (from the last offset); Filter is
// applied by the agent; Download saves what is shown. At most MAX lines stay in
// the page, so following a busy log for hours costs bounded memory.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { navigate } from "../router.js";
import { useLoad } from "../ui/load.js";
import { ErrorBox } from "../ui/error-box.js";

const MAX = 2000;

function Tail({ source, q }) {
  const [lines, setLines] = useState([]);
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);
  const [follow, setFollow] = useState(false);
  const offset = useRef(0);
  const box = useRef(null);
  const qs = (extra) => new URLSearchParams({ lines: "500", ...(q ? { q } : {}), ...extra });
  useEffect(() => {
    let live = true;
    offset.current = 0;
    setLines([]);
    api("GET", `/api/console/logs/${enc(source)}?${qs({})}`).then((t) => {
      if (!live) return;
      offset.current = t.offset;
      setInfo(t);
      setLines(t.lines.slice(-MAX));
    }, setError);
    return () => (live = false);
  }, [source, q]);
  useEffect(() => {
    if (!follow) return;
    const id = setInterval(async () => {
      try {
        const t = await api(
          "GET",
          `/api/console/logs/${enc(source)}?${qs({ after: String(offset.current) })}`,
        );
        offset.current = t.offset;
        if (t.lines.length) setLines((l) => [...l, ...t.lines].slice(-MAX));
      } catch (e) {
        setError(e);
      }
    }, 2000);
    return () => clearInterval(id);
  }, [follow, source, q]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  const download = `/api/console/logs/${enc(source)}?${qs({ download: "1", lines: "5000" })}`;
  return html`
    <${ErrorBox} error=${error} />
    <div class="row">
      <label class="check"><input type="checkbox" checked=${follow} onChange=${(e) =>
        setFollow(e.currentTarget.checked)} /> Follow</label>
      <a class="button" href=${download} download>Download</a>
      ${info && html`
        <span
          class="hint"><code>${info.path}</code>${info.missing
            ? " does not exist (yet)"
            : ""}${info.truncated ? " · older lines not shown" : ""} · ${lines.length} line${lines
              .length === 1
            ? ""
            : "s"}</span>
      `}
    </div>
    <pre class="log-lines" ref=${box} data-log=${source}>${lines.join("\n") ||
      "(nothing to show)"}</pre>
  `;
}

function Logs({ route }) {
  const { data, error } = useLoad(() => api("GET", "/api/console/logs"), []);
  const source = route.query.source || "nginx-error";
  const q = route.query.q || "";
  const [text, setText] = useState(q);
  return html`
    <div class="page-head">
      <h1>Logs</h1>
    </div>
    <${ErrorBox} error=${error} />
    ${data && html`
      <form class="panel row" onSubmit=${(e) => {
        e.preventDefault();
        navigate("/logs", { source, q: text });
      }}>
        <div class="field">
          <label for="log-source">Log</label>
          <select id="log-source" value=${source} onChange=${(e) =>
            navigate("/logs", { source: e.currentTarget.value, q })}>
            ${data.sources.map((s) => html`<option value=${s.id}>${s.label}</option>`)}
          </select>
        </div>
        <div class="field grow">
          <label for="log-q">Filter</label>
          <input id="log-q" type="search" value=${text} onInput=${(e) =>
            setText(e.currentTarget.value)}
            placeholder="text the lines must contain" />
        </div>
        <div class="inline-actions"><button type="submit">Filter</button></div>
      </form>
      <section class="panel">
        <${Tail} key=${source + "|" + q} source=${source} q=${q} />
      </section>
    `}
  `;
}

definePage({ path: "/logs", title: "Logs", component: Logs });
