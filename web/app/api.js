// The UI's only way to the API. Every request carries X-Requested-With, which
// the API demands of cookie-authenticated writes (CSRF defence); errors come
// back as ApiError with the API's code, message and detail.field.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || `HTTP_${status}`;
    this.detail = e.detail || {};
    /** The offending field, e.g. "routes[1].path", when the API named one. */
    this.field = typeof this.detail.field === "string" ? this.detail.field : null;
  }
}

/** An error made in the browser, shaped like the API's (e.g. a duplicate header row). */
export function localError(code, field, message) {
  return new ApiError(400, { error: { code, message: `${field}: ${message}`, detail: { field } } });
}

export async function api(method, path, body, opts = {}) {
  const headers = { "X-Requested-With": "switchyard-ui", Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (opts.ifMatch !== undefined && opts.ifMatch !== null) {
    headers["If-Match"] = `"${opts.ifMatch}"`;
  }
  let r;
  try {
    r = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, {
      error: { code: "NETWORK", message: `the agent did not answer: ${e.message}` },
    });
  }
  const type = r.headers.get("content-type") || "";
  const payload = type.includes("json") ? await r.json().catch(() => null) : await r.text();
  if (r.status === 401 && method === "GET") {
    // Reading a page with an ended session: back to the login. A failed write
    // keeps the form instead (the error box links to the login).
    location.assign("/login?m=expired");
  }
  if (!r.ok) {
    throw new ApiError(
      r.status,
      payload && typeof payload === "object"
        ? payload
        : { error: { code: `HTTP_${r.status}`, message: String(payload || r.statusText) } },
    );
  }
  return payload;
}

export const enc = encodeURIComponent;
