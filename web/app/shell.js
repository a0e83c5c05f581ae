// The frame around every page: a skip link, the menu from the page registry
// (folded behind a "Menu" button on narrow screens), logout, toasts, and the
// page the hash route points at.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { findPage, PAGES } from "./pages.js";
import { href, useRoute } from "./router.js";
import { Toasts } from "./ui/toast.js";
import { can, whoami } from "./role.js";

export function Shell() {
  const route = useRoute();
  const [open, setOpen] = useState(false);
  const found = findPage(route.segments);
  const title = found ? found.page.title : "Not found";
  useEffect(() => {
    document.title = `${title} · Switchyard`;
    setOpen(false);
  }, [title, route.path]);
  const Page = found?.page.component;
  return html`
    <a class="skip-link" href="#main" onClick=${(e) => {
      e.preventDefault();
      document.getElementById("main")?.focus();
    }}>Skip to content</a>
    <header class="topbar">
      <a class="brand" href="#/">Switchyard</a>
      <button type="button" class="menu-toggle" aria-expanded=${open ? "true" : "false"}
        aria-controls="main-nav" onClick=${() => setOpen(!open)}>Menu</button>
      <nav aria-label="Main" id="main-nav" class=${open ? "open" : ""} onClick=${(e) => {
        // A link chosen from the folded menu folds it with the click, not a frame later.
        if (e.target.closest?.("a")) setOpen(false);
      }}>
        ${PAGES.filter((p) => p.nav && (!p.admin || can("admin"))).map((p) =>
          html`
            <a href=${href(p.path)} aria-current=${found?.page === p ? "page" : undefined}>${p
              .title}</a>
          `
        )}
      </nav>
      ${whoami().token && html`
        <span class="muted who">${whoami().token.name} · ${whoami().role}${whoami().tenant
          ? ` · ${whoami().tenant}`
          : ""}</span>
      `}
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </header>
    <main class="page" id="main" tabindex="-1">
      ${Page
        ? html`<${Page} key=${found.page.path} route=${{ ...route, rest: found.rest }} />`
        : html`
          <h1>Not found</h1>
          <p>No page at <code>${route.path}</code>. <a href="#/">Dashboard</a></p>
        `}
    </main>
    <${Toasts} />
  `;
}
