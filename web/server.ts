// Serves the embedded web UI. (Placeholder until the UI lands: a page that
// points at the API.)
import { Hono } from "hono";
import type { Runtime } from "../agent/runtime.ts";

export function uiRouter(_rt: Runtime): Hono {
  const r = new Hono();
  r.get(
    "/",
    (c) =>
      c.html(
        '<!doctype html><title>Switchyard</title><p>Switchyard agent. API: <a href="/api/openapi.json">/api/openapi.json</a></p>',
      ),
  );
  return r;
}
