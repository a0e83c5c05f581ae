// Strict grammars for every value that reaches an nginx template. Each check
// returns null when the value is acceptable, or a short reason naming what is
// wrong. Nothing here may let through `;`, `{`, `}`, quotes, newlines or `$`
// where nginx would read them as syntax.
import { isIP } from "node:net";

export type Check = (v: string) => string | null;

export const SLUG_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * An entity's name: a slug, or `<tenant>__<slug>` for a record of a tenant
 * (names are unique per tenant: a tenant says `shop`, the store keeps
 * `acme__shop`; `_` is in no slug, so the split is unambiguous).
 */
export const ENTITY_RE = /^(?:[a-z0-9][a-z0-9-]{0,62}__)?[a-z0-9][a-z0-9-]{0,62}$/;

export const entityName: Check = (v) =>
  ENTITY_RE.test(v)
    ? null
    : "must be a slug: a-z, 0-9 and '-', starting with a letter or digit, at most 63 characters";

export const slug: Check = (v) =>
  SLUG_RE.test(v)
    ? null
    : "must be a slug: a-z, 0-9 and '-', starting with a letter or digit, at most 63 characters";

const LABEL_RE = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isHostname(v: string): boolean {
  if (v.length === 0 || v.length > 253) return false;
  return v.split(".").every((l) => LABEL_RE.test(l));
}

/** A server_name: host name, `*.wildcard`, `.suffix`, `_`, or an IP address. */
export const serverName: Check = (v) => {
  if (v === "_") return null;
  if (v !== v.toLowerCase()) return "must be lower case";
  if (isIP(v) === 4) return null;
  if (/^\[[0-9a-f:.]+\]$/.test(v) && isIP(v.slice(1, -1)) === 6) return null;
  const bare = v.startsWith("*.") ? v.slice(2) : v.startsWith(".") ? v.slice(1) : v;
  if (isHostname(bare)) return null;
  return "must be a host name (a-z, 0-9, '-', dots), '*.domain', '.domain', '_' or an IP address";
};

export const port = (n: number): string | null =>
  Number.isInteger(n) && n >= 1 && n <= 65535 ? null : "must be a port number 1-65535";

/** host:port, [ipv6]:port, or unix:/absolute/path for upstream members. */
export const memberAddress: Check = (v) => {
  if (v.startsWith("unix:")) {
    return absPath(v.slice(5)) === null ? null : "unix socket must be unix:/absolute/path";
  }
  // ASCII only: a KELVIN SIGN lower-cases to "k" and would pass the check yet reach nginx as sent.
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(v)) return "must be ASCII (write a non-ASCII host name as its xn-- form)";
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):(\d{1,5})$/.exec(v);
  if (!m) return "must be host:port, [ipv6]:port or unix:/path";
  const host = m[1];
  if (host.startsWith("[")) {
    if (isIP(host.slice(1, -1)) !== 6) return "bracketed host must be an IPv6 address";
  } else if (isIP(host) !== 4 && !isHostname(host.toLowerCase())) {
    return "host must be a host name or an IP address";
  }
  return port(Number(m[2]));
};

export const ipOrCidr: Check = (v) => {
  const [addr, bits, ...rest] = v.split("/");
  if (rest.length) return "must be an IP address or CIDR";
  const fam = isIP(addr);
  if (fam === 0) return "must be an IPv4/IPv6 address or CIDR";
  if (bits === undefined) return null;
  if (!/^\d{1,3}$/.test(bits)) return "CIDR prefix length must be a number";
  const max = fam === 4 ? 32 : 128;
  return Number(bits) <= max ? null : `CIDR prefix length must be at most ${max}`;
};

// Characters allowed in a URI path we render unquoted.
const PATH_CHARS = /^[A-Za-z0-9._~!*'()+,=@:%\/-]*$/;

export const uriPath: Check = (v) => {
  if (!v.startsWith("/")) return "must start with '/'";
  if (v.length > 1024) return "is too long (over 1024 characters)";
  if (!PATH_CHARS.test(v)) {
    return "may contain only letters, digits and . _ ~ ! * ' ( ) + , = @ : % / -";
  }
  if (v.includes("'")) return "must not contain quotes";
  return null;
};

/** A location regex. `$` is accepted only as the final end anchor. */
export const locationRegex: Check = (v) => {
  if (v.length === 0 || v.length > 1024) return "must be 1-1024 characters";
  if (/[\s;{}"'#`]/.test(v)) return "must not contain whitespace, ';', '{', '}', quotes or '#'";
  if (v.slice(0, -1).includes("$")) return "'$' is accepted only as the final end anchor";
  if (v.endsWith("\\$") || v.endsWith("\\")) return "must not end with a backslash";
  try {
    new RegExp(v);
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`;
  }
  return null;
};

export const absPath: Check = (v) => {
  if (!v.startsWith("/")) return "must be an absolute path";
  if (!/^[A-Za-z0-9._\/@+-]+$/.test(v)) return "may contain only letters, digits and . _ / @ + -";
  if (v.split("/").includes("..")) return "must not contain '..'";
  if (v.length > 1024) return "is too long";
  return null;
};

export const size: Check = (v) =>
  /^\d{1,10}[kKmMgG]?$/.test(v) ? null : "must be a size like 10m, 512k or 0";

export const duration: Check = (v) =>
  /^\d{1,6}(ms|s|m|h|d)?$/.test(v) ? null : "must be a duration like 30s, 500ms or 5m";

export const headerName: Check = (v) =>
  /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/.test(v)
    ? null
    : "must be a header name (letters, digits, '-')";

/** Header values are rendered in double quotes: `;` is harmless there, `"`, `\` and `$` are not. */
export const headerValue: Check = (v) => {
  if (v.length > 4096) return "is too long (over 4096 characters)";
  if (/[^\x20-\x7e]/.test(v)) return "must be printable ASCII on one line";
  if (/["\\${}]/.test(v)) return "must not contain '\"', '\\', '$', '{' or '}'";
  return null;
};

function hostPortOk(hostport: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostport);
  if (!m) return false;
  const host = m[1];
  if (host.startsWith("[")) {
    if (isIP(host.slice(1, -1)) !== 6) return false;
  } else if (isIP(host) !== 4 && !isHostname(host.toLowerCase())) return false;
  return m[2] === undefined || port(Number(m[2])) === null;
}

/** An upstream URL for proxy_pass: http(s)://host[:port][/path], nothing else. */
export const upstreamUrl: Check = (v) => {
  const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(v);
  if (!m) return "must be http://host[:port][/path] or https://...";
  if (!hostPortOk(m[2])) return "has an invalid host or port";
  if (m[3] !== undefined && uriPath(m[3]) !== null) return `path ${uriPath(m[3])}`;
  return null;
};

const REDIRECT_VARS = new Set([
  "request_uri",
  "uri",
  "args",
  "is_args",
  "host",
  "scheme",
  "server_port",
  "server_name",
]);

/** Redirect target: absolute http(s) URL or a path; only a few `$variables` allowed. */
export const redirectUrl: Check = (v) => {
  if (v.length > 2048) return "is too long";
  for (const m of v.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)?/g)) {
    if (!m[1] || !REDIRECT_VARS.has(m[1])) {
      return `may use only the variables ${[...REDIRECT_VARS].map((x) => "$" + x).join(", ")}`;
    }
  }
  const plain = v.replace(/\$[A-Za-z_]+/g, "x");
  if (/[\s;{}"'\\#`]/.test(plain)) {
    return "must not contain whitespace, ';', '{', '}', quotes, '#' or backslashes";
  }
  if (/[^\x21-\x7e]/.test(plain)) return "must be printable ASCII (punycode for host names)";
  const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(plain);
  if (m) return m[3] === undefined || /^[\x21-\x7e]*$/.test(m[3]) ? null : "has an invalid path";
  return plain.startsWith("/") ? null : "must be an absolute http(s) URL or start with '/'";
};

/** Hash key for `hash`: literal characters and nginx variables, nothing else. */
export const hashKey: Check = (v) =>
  /^(\$[a-z_][a-z0-9_]*|[A-Za-z0-9_.:\/-])+$/.test(v)
    ? null
    : "must be nginx variables ($request_uri, $remote_addr, ...) and letters, digits, _ . : / -";
