// The caller's role (GET /api/whoami), read once at start, so the UI shows only
// what the role allows: a viewer gets no write buttons, only an admin sees the
// Access page. The API refuses the rest anyway; this is about not offering it.
import { api } from "./api.js";

let who = { via: "root", role: "admin", tenant: null };

export async function loadRole() {
  try {
    who = await api("GET", "/api/whoami");
  } catch { /* an older agent: the API still decides */ }
  document.documentElement.dataset.role = who.role;
  return who;
}

export function whoami() {
  return who;
}

/** "read", "write" (operator and admin) or "admin". */
export function can(action) {
  const rank = { viewer: 0, operator: 1, admin: 2 }[who.role] ?? 0;
  if (action === "read") return true;
  return action === "write" ? rank >= 1 : rank >= 2;
}
