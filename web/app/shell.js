// The frame around every page: menu from the page registry, logout, and the
// page the hash route points at.
import { useEffect } from "preact/hooks";
import { html } from "./html.js";
import { findPage, PAGES } from "./pages.js";
import { href, useRoute } from "./router.js";

export function Shell() {
  const route = useRoute();
  const found = findPage(route.segments);
  const title = found ? found.page.title : "Not found";
  useEffect(() => {
    document.title = `${title} · Switchyard`;
  }, [title]);
  const Page = found?.page.component;
  return html`
    <header class="topbar">
      <a class="brand" href="#/">Switchyard</a>
      <nav aria-label="Main">
        ${PAGES.filter((p) => p.nav).map((p) =>
          html`
            <a href=${href(p.path)} aria-current=${found?.page === p ? "page" : undefined}>${p
              .title}</a>
          `
        )}
      </nav>
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </header>
    <main class="page" id="main">
      ${Page
        ? html`<${Page} key=${found.page.path} route=${{ ...route, rest: found.rest }} />`
        : html`
          <h1>Not found</h1>
          <p>No page at <code>${route.path}</code>. <a href="#/">Dashboard</a></p>
        `}
    </main>
  `;
}
