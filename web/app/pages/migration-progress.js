// What a migration's progress looks like: the pure figures (percent of the
// current pass, rate, ETA, the phase timeline from the record's own fields),
// the progress bar, the timeline, and the dashboard's "Migrations" panel.
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { useLoad } from "../ui/load.js";
import { usePoll } from "../ui/poll.js";

export const MAIN_PHASES = [
  "pending",
  "copying",
  "write_routing",
  "verifying",
  "switching",
  "done",
];
export const TERMINAL = ["done", "error", "cancelled"];
export const isActive = (m) => !TERMINAL.includes(m.phase);
/** After the split a cancel aborts to the source (client writes are copied back). */
export const afterSplit = (m) => ["write_routing", "verifying", "aborting"].includes(m.phase);

const BADGE = { done: "ok", error: "bad", cancelled: "bad", aborting: "warn" };
export const phaseBadge = (phase) => BADGE[phase] ?? "warn";

export function bytesText(n) {
  if (!n) return "0 B";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function etaText(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/**
 * The bar's figures: `done` is full; otherwise the current pass's share, by bytes
 * when rclone knows the total, else by objects (0 until a pass reports). A
 * finished migration shows what all its passes copied.
 */
export function progressFigures(m) {
  const p = m.progress ?? {};
  const passes = m.passes ?? [];
  const ended = TERMINAL.includes(m.phase) && passes.length > 0;
  const sum = (k) => passes.reduce((a, x) => a + (x[k] ?? 0), 0);
  const bytes = ended ? sum("bytes") : p.bytes ?? 0;
  const totalBytes = ended ? 0 : p.total_bytes ?? 0;
  const objects = ended ? sum("transferred") : p.objects ?? 0;
  const totalObjects = ended ? 0 : p.total_objects ?? 0;
  let percent = 0;
  if (m.phase === "done") percent = 100;
  else if (totalBytes > 0) percent = Math.min(100, Math.floor((100 * bytes) / totalBytes));
  else if (totalObjects > 0) percent = Math.min(100, Math.floor((100 * objects) / totalObjects));
  const of = (a, b, f) => (b > 0 ? `${f(a)} of ${f(b)}` : f(a));
  const n = ended ? passes.length : p.pass ?? 0;
  return {
    percent,
    bytes: of(bytes, totalBytes, bytesText),
    objects: `${of(objects, totalObjects, (x) => x.toLocaleString("en"))} objects${
      ended ? " copied" : ""
    }`,
    rate: p.rate ? `${bytesText(p.rate)}/s` : "–",
    eta: m.phase === "done" ? "–" : etaText(p.eta),
    pass: n === 0 ? "" : ended ? `${n} pass${n === 1 ? "" : "es"}` : `pass ${n}`,
    waiting: p.waiting_for ?? [],
  };
}

/** The time a log line (ISO time, space, text) starting with `prefix` was written. */
function logTime(m, prefix) {
  const line = (m.log ?? []).find((l) => l.slice(l.indexOf(" ") + 1).startsWith(prefix));
  return line ? line.slice(0, line.indexOf(" ")) : null;
}

/**
 * The phases in order, each `passed`, `current` or `todo`, with the time it
 * began where the record says (passes, split_at, ended_at). A cancelled or
 * failed migration ends with its terminal phase (after `aborting` if it aborted).
 */
export function timeline(m) {
  const first = (phase) => (m.passes ?? []).find((p) => p.phase === phase)?.started ?? null;
  const at = {
    pending: m.started_at ?? null,
    copying: first("copying") ?? logTime(m, "copying"),
    write_routing: m.split_at ?? null,
    verifying: first("verifying"),
    switching: logTime(m, "switching"),
    aborting: logTime(m, "aborting"),
  };
  const terminal = TERMINAL.includes(m.phase);
  if (m.phase === "done" || m.phase === "switching") at.switching ??= m.ended_at ?? null;
  let steps;
  if (m.phase === "cancelled" || m.phase === "error" || m.phase === "aborting") {
    const reached = MAIN_PHASES.filter((p) => p !== "done" && at[p]);
    steps = [...reached, ...(at.aborting || m.phase === "aborting" ? ["aborting"] : [])];
    if (m.phase !== "aborting") steps.push(m.phase);
  } else steps = MAIN_PHASES;
  const idx = steps.indexOf(m.phase);
  return steps.map((phase, i) => ({
    phase,
    state: i < idx || (terminal && i === idx) ? "passed" : i === idx ? "current" : "todo",
    at: phase === m.phase && terminal ? m.ended_at ?? null : at[phase] ?? null,
  }));
}

const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");

export function Timeline({ m }) {
  return html`
    <ol class="timeline" aria-label=${`Phases of ${m.id}`} data-timeline>
      ${timeline(m).map((s) =>
        html`
          <li class=${`${s.state}${["cancelled", "error"].includes(s.phase) ? " bad" : ""}`}
            data-phase=${s.phase} aria-current=${s.state === "current" ? "step" : undefined}>
            <span class="step">${s.phase}</span>
            ${s.at && html`<span class="muted">${clock(s.at)}</span>`}
          </li>
        `
      )}
    </ol>
  `;
}

export function ProgressBar({ m }) {
  const f = progressFigures(m);
  const bad = m.phase === "error" || m.phase === "cancelled";
  return html`
    <div class="migration-progress" data-progress=${m.id} data-phase=${m.phase}>
      <div class=${`bar${bad ? " bad" : m.phase === "done" ? " ok" : ""}`} role="progressbar"
        aria-label=${`Progress of ${m.bucket}`} aria-valuemin="0" aria-valuemax="100"
        aria-valuenow=${f.percent} aria-valuetext=${`${f.percent} %, ${m.phase}`}>
        <span style=${`width: ${f.percent}%`}></span>
      </div>
      <p class="figures">
        <span class=${`badge ${phaseBadge(m.phase)}`} data-phase-text>${m.phase}</span>
        <span data-percent>${f.percent} %</span>
        ${f.pass && html`<span>${f.pass}</span>`}
        <span>${f.objects}</span>
        <span>${f.bytes}</span>
        ${isActive(m) && html`<span>${f.rate}</span><span>ETA ${f.eta}</span>`}
      </p>
      ${f.waiting.length > 0 && html`
        <p class="hint" data-waiting>Waiting for: ${f.waiting.join("; ")}</p>
      `}
    </div>
  `;
}

/** The dashboard's panel: every active migration with its bar (nothing when none). */
export function ActiveMigrations() {
  const { data, reload } = useLoad(
    () => api("GET", "/api/migrations").then((r) => r.migrations.filter(isActive)),
    [],
  );
  usePoll(reload, 2000, !!data?.length);
  if (!data?.length) return null;
  return html`
    <section class="panel" aria-labelledby="dash-migrations" data-active-migrations>
      <h2 id="dash-migrations">Migrations</h2>
      ${data.map((m) =>
        html`
          <div>
            <a href=${`#/migrations/${enc(m.id)}`}>${m.bucket}</a>${" "}<span class="muted">${m
              .src} → ${m.dst}</span>
            <${ProgressBar} m=${m} />
          </div>
        `
      )}
    </section>
  `;
}
