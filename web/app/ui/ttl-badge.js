// A badge with an entity's remaining time ("expires in 1 h 12 min"); the exact
// time in its title. Nothing for an entity that does not expire.
import { html } from "../html.js";
import { expiresIn } from "./ttl.js";

export function Expiry({ at }) {
  const text = expiresIn(at);
  if (!text) return null;
  return html`
    <span class=${`badge ${text === "expired" ? "bad" : "warn"}`} title=${at}
      data-expires=${at}>${text}</span>
  `;
}
