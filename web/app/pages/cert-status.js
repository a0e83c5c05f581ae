// A certificate's status badge and the pure helpers the certificates pages share.
import { html } from "../html.js";

const CLASS = { active: "ok", pending: "warn", expiring: "warn", expired: "bad", failed: "bad" };

export function CertStatus({ c }) {
  return html`<span class=${`badge ${
    CLASS[c.status] || ""
  }`} data-status=${c.status}>${c.status}</span>`;
}

/** Whole days from `now` until the ISO time `t` (negative: past), or null. */
export function daysLeft(t, now = Date.now()) {
  if (!t) return null;
  return Math.floor((Date.parse(t) - now) / 86_400_000);
}

/** POST /api/certs/renew's report as lines: "renewed: a, b", "failed b: why", ... */
export function renewalLines(r) {
  const out = [];
  if (r.renewed.length) out.push(`renewed: ${r.renewed.join(", ")}`);
  for (const f of r.failed) out.push(`failed ${f.name}: ${f.message}`);
  for (const d of r.deferred) out.push(`deferred ${d.name} until ${d.until}`);
  if (r.valid.length) out.push(`still valid: ${r.valid.join(", ")}`);
  return out.length ? out : ["no certificates"];
}
