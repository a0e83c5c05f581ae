// Hash routing: #/sites/web?x=1 -> { path: "/sites/web", query: {x: "1"} }.
// The server serves one page at /, so pages need no server routes.
import { useEffect, useRef, useState } from "preact/hooks";
import { confirmLeave } from "./ui/guard.js";

export function parseHash(hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, qs = ""] = raw.split("?");
  const query = Object.fromEntries(new URLSearchParams(qs));
  const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { path: "/" + segments.map(encodeURIComponent).join("/"), segments, query };
}

const pathOf = (hash) => hash.replace(/^#/, "").split("?")[0] || "/";

export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  const shown = useRef(location.hash);
  useEffect(() => {
    const on = () => {
      if (location.hash === shown.current) return;
      // Leaving a page with unsaved edits asks first; "no" keeps the address.
      if (pathOf(location.hash) !== pathOf(shown.current) && !confirmLeave()) {
        history.replaceState(null, "", shown.current || "#/");
        return;
      }
      shown.current = location.hash;
      setRoute(parseHash(location.hash));
    };
    addEventListener("hashchange", on);
    on(); // a hash change between the first render and this listener
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
