// nginx names a file and a line; the operator sees a form. This maps a line of
// a rendered file back to the form field that produced it: the extra block or
// route directives whose text it is, the route whose location holds it, or the
// site/pool setting its directive comes from. Pure; null when nothing fits.

function trimmed(s: unknown): string[] {
  return typeof s === "string" ? s.split("\n").map((l) => l.trim()).filter(Boolean) : [];
}

/** The `# route <name>` comment of the location block around line `at` (0-based), if any. */
function enclosingRoute(lines: string[], at: number): string | null {
  let depth = 0;
  for (let i = at; i >= 0; i--) {
    const l = lines[i].trim();
    if (i < at && l.endsWith("}")) depth++;
    if (l.endsWith("{")) {
      if (depth === 0 && l.startsWith("location ")) {
        const c = /^# route (\S+)$/.exec(lines[i - 1]?.trim() ?? "");
        return c ? c[1] : null;
      }
      if (depth > 0) depth--;
    }
  }
  return null;
}

const SITE_DIRECTIVES: [RegExp, string][] = [
  [/^server_name\b/, "server_names"],
  [/^listen\b/, "listen"],
  [/^client_max_body_size\b/, "client_max_body_size"],
  [/^(allow|deny)\b/, "ip_rules.addresses"],
  [/^add_header\b/, "response_headers"],
  [/^ssl_certificate/, "tls"],
];

function siteField(spec: Record<string, unknown>, lines: string[], at: number): string | null {
  const text = (lines[at] ?? "").trim();
  if (!text) return null;
  const blocks = Array.isArray(spec.extra_blocks) ? spec.extra_blocks : [];
  const routes = Array.isArray(spec.routes) ? spec.routes : [];
  const route = enclosingRoute(lines, at);
  const ri = routes.findIndex((r) => r?.name === route);
  if (ri >= 0) {
    if (trimmed(routes[ri].extra).includes(text)) return `routes[${ri}].extra`;
  }
  const bi = blocks.findIndex((b) => trimmed(b?.content).includes(text));
  if (bi >= 0) return `extra_blocks[${bi}].content`;
  if (ri >= 0) return /^location\b/.test(text) ? `routes[${ri}].path` : `routes[${ri}]`;
  for (const [re, field] of SITE_DIRECTIVES) if (re.test(text)) return field;
  return null;
}

function poolField(spec: Record<string, unknown>, lines: string[], at: number): string | null {
  const text = (lines[at] ?? "").trim();
  const m = /^server\s+(\S+?);?(\s|$)/.exec(text);
  const members = Array.isArray(spec.members) ? spec.members : [];
  if (m) {
    const i = members.findIndex((x) => x?.address === m[1]);
    if (i >= 0) return `members[${i}].address`;
    return "members";
  }
  if (/^keepalive\b/.test(text)) return "keepalive";
  if (/^(least_conn|ip_hash|hash|random)\b/.test(text)) return "lb_method";
  return null;
}

/** The field of a `kind` record (as typed) that line `line` (1-based) of its file comes from. */
export function fieldAtLine(
  kind: string,
  spec: Record<string, unknown>,
  lines: string[],
  line: number,
): string | null {
  const at = line - 1;
  if (at < 0 || at >= lines.length) return null;
  if (kind === "site") return siteField(spec, lines, at);
  if (kind === "pool") return poolField(spec, lines, at);
  return null;
}
