// Why a file did not parse, without quoting it: JSON.parse's message quotes the
// first bytes ("root:*:202"... of /etc/shadow) and TOML errors print the line,
// and the agent runs as root while its caller may not be able to read the file.

/** Where JSON.parse stopped, never what it read. */
export function jsonErrorWhere(e: unknown): string {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? ""));
  if (m) return `invalid JSON at byte ${m[1]}`;
  if (/end of JSON input/.test(String((e as Error)?.message))) return "JSON ends early";
  return "not valid JSON";
}

/** Where a TOML parser stopped (line and column), never the line itself. */
export function tomlErrorWhere(e: unknown): string {
  const o = e as { line?: unknown; column?: unknown };
  if (typeof o?.line === "number") {
    return `invalid TOML at line ${o.line}${
      typeof o.column === "number" ? `, column ${o.column}` : ""
    }`;
  }
  return "not valid TOML";
}
