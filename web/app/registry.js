// The page registry: every page file calls definePage({path, title, component})
// and web/app/pages.js imports the page files in menu order.
//   path       "/pools": the page owns "#/pools" and everything below it
//              ("#/pools/web" reaches it with route.rest = ["web"]).
//   title      menu entry and document title.
//   component  a Preact component; props: { route: {path, rest, query} }.
//   nav        false hides the page from the menu (reachable by link only).

export const PAGES = [];

export function definePage(page) {
  if (!page.path?.startsWith("/") || !page.title || typeof page.component !== "function") {
    throw new Error(`definePage: need path ("/..."), title and component: ${JSON.stringify(page)}`);
  }
  if (PAGES.some((p) => p.path === page.path)) {
    throw new Error(`definePage: ${page.path} is defined twice`);
  }
  PAGES.push({ nav: true, ...page });
  return page;
}

/** The page for a route: the longest page path that is a prefix by segments. */
export function findPage(segments) {
  let best = null;
  for (const p of PAGES) {
    const ps = p.path.split("/").filter(Boolean);
    if (ps.length > segments.length || !ps.every((s, i) => s === segments[i])) continue;
    if (ps.length === 0 && segments.length > 0) continue; // "/" is the dashboard only
    if (!best || ps.length > best.depth) best = { page: p, depth: ps.length };
  }
  return best && { page: best.page, rest: segments.slice(best.depth) };
}
