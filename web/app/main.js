// Entry of the browser bundle (scripts/build-web.ts -> web/dist/app.js).
import { render } from "preact";
import { html } from "./html.js";
import { Shell } from "./shell.js";
import { loadRole } from "./role.js";

const root = document.getElementById("app");
await loadRole(); // buttons and pages depend on it
root.textContent = ""; // the "Loading…" placeholder; render() would keep it
render(html`<${Shell} />`, root);
