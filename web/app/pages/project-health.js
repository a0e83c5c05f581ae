// A project's health in one word for the list: the check report when one was
// run (it proves both hops), otherwise the state of its service.

/**
 * { label, cls, why }: cls is a badge class ("ok", "warn", "bad", "").
 * `service` is GET /api/projects/{name}'s service (null while loading or when
 * the read failed); `check` is this project's entry of POST /api/projects/check.
 */
export function projectHealth(project, service, check) {
  if (project.status !== "active") return { label: "inactive", cls: "", why: "" };
  if (check) {
    return check.ok
      ? { label: "healthy", cls: "ok", why: "service, port, route and both hops answer" }
      : { label: "failing", cls: "bad", why: check.issues.join("; ") };
  }
  if (!service) return { label: "unknown", cls: "", why: "service state not read" };
  if (service.active) {
    return { label: service.state, cls: "ok", why: "run Check to test both hops" };
  }
  return { label: service.state, cls: "bad", why: `${service.manager} reports ${service.state}` };
}

/** A hop result (internal/external) as text: "200 in 3 ms" or its error. */
export function hopText(hop) {
  if (!hop) return "";
  if ("skipped" in hop) return `skipped: ${hop.skipped}`;
  return hop.ok ? `${hop.status} in ${hop.ms} ms` : hop.error || `HTTP ${hop.status}`;
}
