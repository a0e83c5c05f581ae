// Entry of the browser bundle (scripts/build-web.ts -> web/dist/app.js).
import { render } from "preact";
import { html } from "./html.js";
import { Shell } from "./shell.js";

const root = document.getElementById("app");
root.textContent = ""; // the "Loading…" placeholder; render() would keep it
render(html`<${Shell} />`, root);
