// Hash routing: #/sites/web?x=1 -> { path: "/sites/web", query: {x: "1"} }.
// The server serves one page at /, so pages need no server routes.
import { useEffect, useState } from "preact/hooks";

export function parseHash(hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, qs = ""] = raw.split("?");
  const query = Object.fromEntries(new URLSearchParams(qs));
  const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { path: "/" + segments.map(encodeURIComponent).join("/"), segments, query };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** A link target for a page path plus optional query. */
export function href(path, query) {
  const qs = query
    ? new URLSearchParams(
      Object.entries(query).filter(([, v]) => v !== undefined && v !== ""),
    ).toString()
    : "";
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function navigate(path, query) {
  location.hash = href(path, query);
}
