// Settings: defaults (production or dev), then the TOML file, then AGENT_* env vars.
// Every setting is declared once in SETTINGS so `agent config show`, the env form
// and validation all come from the same table.
import { parse as parseToml } from "smol-toml";
import { AgentError } from "./errors.ts";

export type SettingType = "string" | "int" | "bool" | "enum";

export type DefaultValue = string | number | boolean | ((s: Record<string, unknown>) => unknown);

export interface SettingDef {
  name: string;
  group: string;
  type: SettingType;
  description: string;
  /** Production default; a function derives it from other settings. */
  prod: DefaultValue;
  /** Dev-mode default when different from production. */
  dev?: DefaultValue;
  values?: readonly string[];
  secret?: boolean;
  min?: number;
  max?: number;
  /** Resolved to an absolute path against the working directory. */
  path?: boolean;
}

const join = (a: unknown, b: string) => `${String(a).replace(/\/+$/, "")}/${b}`;

export const SETTINGS: SettingDef[] = [
  // core
  {
    name: "listen",
    group: "Core",
    type: "string",
    prod: "127.0.0.1:8100",
    description: "API and web UI address (host:port)",
  },
  {
    name: "api_key",
    group: "Core",
    type: "string",
    prod: "",
    secret: true,
    description: "API key; empty: generated once into <data_dir>/api-key",
  },
  {
    name: "data_dir",
    group: "Core",
    type: "string",
    path: true,
    prod: "/var/lib/agent",
    dev: "./dev-data",
    description: "State directory (Deno KV file, API key, backups)",
  },
  {
    name: "log_level",
    group: "Core",
    type: "enum",
    values: ["debug", "info", "warn", "error"],
    prod: "info",
    description: "Log level",
  },
  {
    name: "template_dir",
    group: "Core",
    type: "string",
    path: true,
    prod: "/etc/agent/templates",
    dev: (s) => join(s.data_dir, "templates"),
    description: "Template overrides: a file here replaces the embedded template of that name",
  },
  // nginx
  {
    name: "nginx_bin",
    group: "Nginx",
    type: "string",
    prod: "nginx",
    description: "nginx binary",
  },
  {
    name: "nginx_conf",
    group: "Nginx",
    type: "string",
    path: true,
    prod: "/etc/nginx/nginx.conf",
    dev: (s) => join(s.data_dir, "nginx/nginx.conf"),
    description: "Main nginx.conf (must include <nginx_dir>/current/*.conf inside http {})",
  },
  {
    name: "nginx_prefix",
    group: "Nginx",
    type: "string",
    path: true,
    prod: "",
    dev: (s) => join(s.data_dir, "nginx"),
    description: "nginx -p prefix; empty: nginx's compiled-in prefix",
  },
  {
    name: "nginx_pid_file",
    group: "Nginx",
    type: "string",
    path: true,
    prod: "/run/nginx.pid",
    dev: (s) => join(s.data_dir, "nginx/logs/nginx.pid"),
    description: "pid file of the nginx master (reload sends it SIGHUP)",
  },
  {
    name: "nginx_error_log",
    group: "Nginx",
    type: "string",
    path: true,
    prod: "/var/log/nginx/error.log",
    dev: (s) => join(s.data_dir, "nginx/logs/error.log"),
    description: "nginx error log, read to explain a failed reload",
  },
  {
    name: "nginx_dir",
    group: "Nginx",
    type: "string",
    path: true,
    prod: "/etc/nginx/switchyard",
    dev: (s) => join(s.data_dir, "nginx/managed"),
    description: "Directory the agent owns: generations/ and the current symlink",
  },
  {
    name: "reload_command",
    group: "Nginx",
    type: "string",
    prod: "",
    description: "Reload command (e.g. 'systemctl reload nginx'); empty: SIGHUP to the master",
  },
  {
    name: "reload_timeout",
    group: "Nginx",
    type: "int",
    min: 1,
    max: 600,
    prod: 15,
    description: "Seconds to wait for nginx to serve a new generation after a reload",
  },
  {
    name: "bind_address",
    group: "Nginx",
    type: "string",
    prod: "",
    dev: "127.0.0.1",
    description: "Address sites listen on when a listen entry gives none; empty: all addresses",
  },
  {
    name: "http_port",
    group: "Nginx",
    type: "int",
    min: 1,
    max: 65535,
    prod: 80,
    dev: (s) => s.dev_http_port,
    description: "Default HTTP port of sites without listen entries",
  },
  {
    name: "https_port",
    group: "Nginx",
    type: "int",
    min: 1,
    max: 65535,
    prod: 443,
    dev: (s) => s.dev_https_port,
    description: "Default HTTPS port of sites with TLS",
  },
  {
    name: "dev_http_port",
    group: "Nginx",
    type: "int",
    min: 1,
    max: 65535,
    prod: 8080,
    description: "HTTP port of the private nginx in dev mode",
  },
  {
    name: "dev_https_port",
    group: "Nginx",
    type: "int",
    min: 1,
    max: 65535,
    prod: 8443,
    description: "HTTPS port of the private nginx in dev mode",
  },
  {
    name: "acme_webroot",
    group: "Nginx",
    type: "string",
    path: true,
    prod: (s) => join(s.data_dir, "acme-webroot"),
    description: "Webroot every site serves /.well-known/acme-challenge/ from",
  },
  // apply
  {
    name: "apply_mode",
    group: "Apply",
    type: "enum",
    values: ["auto", "manual"],
    prod: "auto",
    description: "auto: every change is applied; manual: changes wait for POST /api/config/apply",
  },
  {
    name: "coalesce_ms",
    group: "Apply",
    type: "int",
    min: 0,
    max: 10000,
    prod: 25,
    description: "Milliseconds an apply waits to gather a burst of changes",
  },
  {
    name: "coalesce_max_ms",
    group: "Apply",
    type: "int",
    min: 0,
    max: 60000,
    prod: 1000,
    description: "Longest an apply waits for a burst to end before it starts anyway",
  },
  {
    name: "generations_keep",
    group: "Apply",
    type: "int",
    min: 2,
    max: 10000,
    prod: 50,
    description: "Generations kept as backups (count)",
  },
  {
    name: "generations_max_age_days",
    group: "Apply",
    type: "int",
    min: 0,
    max: 3650,
    prod: 7,
    description: "Generations older than this are pruned beyond the count (0: count only)",
  },
  // resilience (issue 5)
  {
    name: "secret",
    group: "Core",
    type: "string",
    prod: "",
    secret: true,
    description:
      "Key sealing secret record fields (AES-256-GCM, base64); `agent config generate-secret`",
  },
  {
    name: "drift_interval",
    group: "Resilience",
    type: "int",
    min: 0,
    max: 86400,
    prod: 60,
    description: "Seconds between drift checks of the managed files (0: off)",
  },
  {
    name: "backup_interval",
    group: "Resilience",
    type: "int",
    min: 0,
    max: 604800,
    prod: 300,
    description: "Seconds between state backups, taken only when the state changed (0: off)",
  },
  {
    name: "backup_rotate",
    group: "Resilience",
    type: "int",
    min: 1,
    max: 1000,
    prod: 3,
    description: "Backup copies kept: backup_path, backup_path.1, ...",
  },
  {
    name: "backup_path",
    group: "Resilience",
    type: "string",
    path: true,
    prod: (s) => join(s.data_dir, "agent-backup.json"),
    description: "State backup file (JSON; secret fields stay sealed)",
  },
  // proxies (issue 4)
  {
    name: "proxy_health_timeout",
    group: "Proxies",
    type: "int",
    min: 1,
    max: 300,
    prod: 5,
    description:
      "Seconds an upstream's health path has to answer 2xx (require_healthy) and a proxy to answer through nginx",
  },
  {
    name: "registry_url",
    group: "Proxies",
    type: "string",
    prod: "",
    description:
      "Registry of services synced into proxies: an http(s) URL of JSON, or a file (JSON or projrouter registry.toml); empty: none",
  },
  {
    name: "registry_sync_interval",
    group: "Proxies",
    type: "int",
    min: 0,
    max: 604800,
    prod: 0,
    description: "Seconds between scheduled registry syncs (0: only on request)",
  },
  {
    name: "registry_timeout",
    group: "Proxies",
    type: "int",
    min: 1,
    max: 300,
    prod: 10,
    description: "Seconds the registry has to answer a sync",
  },
  {
    name: "registry_health_concurrency",
    group: "Proxies",
    type: "int",
    min: 1,
    max: 256,
    prod: 16,
    description: "Upstream health checks a registry sync runs at once",
  },
  // projects (issue 3)
  {
    name: "projects_root",
    group: "Projects",
    type: "string",
    path: true,
    prod: "/srv/projects",
    dev: (s) => join(s.data_dir, "projects"),
    description: "Parent directory of project directories: <projects_root>/<name>/",
  },
  {
    name: "projects_mode",
    group: "Projects",
    type: "enum",
    values: ["site", "snippet"],
    prod: "site",
    description:
      "site: project routes live in the agent's projects site; snippet: in a locations file your own server {} includes",
  },
  {
    name: "projects_site",
    group: "Projects",
    type: "string",
    prod: "projects",
    description:
      "Site that holds the project routes (mode site): an existing site of that name gets them added, else the agent derives one",
  },
  {
    name: "projects_domain",
    group: "Projects",
    type: "string",
    prod: "",
    description: "Server name of the derived projects site; empty: any host name (_)",
  },
  {
    name: "projects_https_port",
    group: "Projects",
    type: "int",
    min: 1,
    max: 65535,
    prod: 8000,
    dev: (s) => s.http_port,
    description: "Port of the derived projects site (TLS when a certificate is set)",
  },
  {
    name: "projects_default_server",
    group: "Projects",
    type: "bool",
    prod: false,
    dev: true,
    description: "The derived projects site is the default server of its port (any Host header)",
  },
  {
    name: "projects_tls_certificate",
    group: "Projects",
    type: "string",
    path: true,
    prod: "",
    description: "Certificate file of the derived projects site (with projects_tls_key)",
  },
  {
    name: "projects_tls_key",
    group: "Projects",
    type: "string",
    path: true,
    prod: "",
    description: "Private key file of the derived projects site",
  },
  {
    name: "projects_cert",
    group: "Projects",
    type: "string",
    prod: "",
    description: "Managed certificate of the derived projects site (instead of certificate files)",
  },
  {
    name: "projects_snippet_file",
    group: "Projects",
    type: "string",
    path: true,
    prod: "/etc/nginx/snippets/switchyard_projects.conf",
    dev: (s) => join(s.data_dir, "nginx/snippets/switchyard_projects.conf"),
    description:
      "Mode snippet: the locations file your server {} includes; the agent makes it a symlink into its current generation",
  },
  {
    name: "projects_external_url",
    group: "Projects",
    type: "string",
    prod: "",
    description:
      "Base URL of the external health check (e.g. https://example.com:8000); empty: derived from domain, port and TLS",
  },
  {
    name: "projects_check_ca_file",
    group: "Projects",
    type: "string",
    path: true,
    prod: "",
    description:
      "PEM file of CA certificates the external health check trusts (self-signed certificates)",
  },
  {
    name: "projects_check_timeout",
    group: "Projects",
    type: "int",
    min: 1,
    max: 600,
    prod: 15,
    description: "Seconds activate waits for a backend to answer its health path",
  },
  {
    name: "projects_registry_file",
    group: "Projects",
    type: "string",
    path: true,
    prod: "",
    description: "Keep a projrouter registry.toml in sync with the projects (empty: off)",
  },
  {
    name: "service_manager",
    group: "Projects",
    type: "enum",
    values: ["auto", "systemd", "builtin"],
    prod: "auto",
    dev: "builtin",
    description:
      "Runs project backends: systemd units, or the agent's builtin supervisor; auto: systemd when it is PID 1",
  },
  {
    name: "systemctl_command",
    group: "Projects",
    type: "string",
    prod: "systemctl",
    description: "systemctl command, split on spaces (e.g. 'nsenter -t PID -a systemctl')",
  },
  {
    name: "systemd_unit_dir",
    group: "Projects",
    type: "string",
    path: true,
    prod: "/etc/systemd/system",
    description: "Where proj-<name>.service units are written",
  },
  {
    name: "projects_user",
    group: "Projects",
    type: "string",
    prod: "",
    description:
      "User= of project units (systemd); empty: root. The builtin supervisor runs backends as the agent's user",
  },
  {
    name: "projects_log_dir",
    group: "Projects",
    type: "string",
    path: true,
    prod: (s) => join(s.data_dir, "project-logs"),
    description: "Builtin supervisor: one log file per project, <name>.log",
  },
  {
    name: "projects_log_max_bytes",
    group: "Projects",
    type: "int",
    min: 4096,
    max: 1073741824,
    prod: 10485760,
    description: "Builtin supervisor: a project log is rotated when it reaches this size",
  },
  {
    name: "projects_log_keep",
    group: "Projects",
    type: "int",
    min: 1,
    max: 100,
    prod: 3,
    description: "Builtin supervisor: rotated logs kept per project (<name>.log.1 ...)",
  },
  // certificates (ACME through certbot)
  {
    name: "acme_directory_url",
    group: "Certificates",
    type: "string",
    prod: "https://acme-v02.api.letsencrypt.org/directory",
    description:
      "ACME directory certbot issues from (Let's Encrypt production; staging, step-ca or any ACME CA)",
  },
  {
    name: "acme_email",
    group: "Certificates",
    type: "string",
    prod: "",
    description: "Account email for the ACME CA when a certificate gives none; empty: no email",
  },
  {
    name: "acme_eab_kid",
    group: "Certificates",
    type: "string",
    prod: "",
    description: "External account binding key id, for CAs that require EAB",
  },
  {
    name: "acme_eab_hmac_key",
    group: "Certificates",
    type: "string",
    prod: "",
    secret: true,
    description: "External account binding HMAC key (base64url), for CAs that require EAB",
  },
  {
    name: "acme_ca_bundle",
    group: "Certificates",
    type: "string",
    path: true,
    prod: "",
    description:
      "PEM bundle certbot trusts for the ACME server (REQUESTS_CA_BUNDLE): a private CA; empty: system CAs",
  },
  {
    name: "certbot_dir",
    group: "Certificates",
    type: "string",
    path: true,
    prod: (s) => join(s.data_dir, "certbot"),
    description: "certbot's config dir; certificates land in <certbot_dir>/live/<name>/",
  },
  {
    name: "certbot_command",
    group: "Certificates",
    type: "string",
    prod: "certbot",
    description: "certbot command (words split on spaces)",
  },
  {
    name: "certbot_timeout",
    group: "Certificates",
    type: "int",
    min: 10,
    max: 3600,
    prod: 300,
    description: "Seconds one certbot run may take before it is stopped",
  },
  {
    name: "cert_renew_interval",
    group: "Certificates",
    type: "int",
    min: 0,
    max: 604800,
    prod: 86400,
    description: "Seconds between renewal checks (0: off)",
  },
  {
    name: "cert_renew_before_days",
    group: "Certificates",
    type: "int",
    min: 1,
    max: 365,
    prod: 30,
    description: "Renew a certificate this many days before it expires (status expiring)",
  },
];

export interface Settings {
  dev: boolean;
  config_file: string;
  listen: string;
  api_key: string;
  data_dir: string;
  log_level: "debug" | "info" | "warn" | "error";
  template_dir: string;
  nginx_bin: string;
  nginx_conf: string;
  nginx_prefix: string;
  nginx_pid_file: string;
  nginx_error_log: string;
  nginx_dir: string;
  reload_command: string;
  reload_timeout: number;
  bind_address: string;
  http_port: number;
  https_port: number;
  dev_http_port: number;
  dev_https_port: number;
  acme_webroot: string;
  apply_mode: "auto" | "manual";
  coalesce_ms: number;
  coalesce_max_ms: number;
  generations_keep: number;
  generations_max_age_days: number;
  secret: string;
  drift_interval: number;
  backup_interval: number;
  backup_rotate: number;
  backup_path: string;
  proxy_health_timeout: number;
  registry_url: string;
  registry_sync_interval: number;
  registry_timeout: number;
  registry_health_concurrency: number;
  projects_root: string;
  projects_mode: "site" | "snippet";
  projects_site: string;
  projects_domain: string;
  projects_https_port: number;
  projects_default_server: boolean;
  projects_tls_certificate: string;
  projects_tls_key: string;
  projects_cert: string;
  projects_snippet_file: string;
  projects_external_url: string;
  projects_check_ca_file: string;
  projects_check_timeout: number;
  projects_registry_file: string;
  service_manager: "auto" | "systemd" | "builtin";
  systemctl_command: string;
  systemd_unit_dir: string;
  projects_user: string;
  projects_log_dir: string;
  projects_log_max_bytes: number;
  projects_log_keep: number;
  acme_directory_url: string;
  acme_email: string;
  acme_eab_kid: string;
  acme_eab_hmac_key: string;
  acme_ca_bundle: string;
  certbot_dir: string;
  certbot_command: string;
  certbot_timeout: number;
  cert_renew_interval: number;
  cert_renew_before_days: number;
  // Later issues add their settings to SETTINGS; they are reachable here too.
  [key: string]: unknown;
}

export const DEFAULT_CONFIG_FILE = "/etc/agent/config.toml";

export interface LoadOptions {
  dev?: boolean;
  configFile?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Highest precedence (command-line flags, tests). */
  overrides?: Record<string, unknown>;
}

export function envName(setting: string): string {
  return `AGENT_${setting.toUpperCase()}`;
}

/** Checks and converts a raw value (file, env, CLI) for a setting; VALIDATION_FAILED names it. */
export function coerce(def: SettingDef, raw: unknown, source: string): unknown {
  const bad = (why: string) =>
    new AgentError("VALIDATION_FAILED", `setting ${def.name} (${source}): ${why}`, {
      field: def.name,
      source,
    });
  switch (def.type) {
    case "string":
      if (typeof raw !== "string") throw bad("expected a string");
      return raw;
    case "int": {
      const n = typeof raw === "number"
        ? raw
        : typeof raw === "string" && /^-?\d+$/.test(raw.trim())
        ? Number(raw.trim())
        : NaN;
      if (!Number.isInteger(n)) throw bad(`expected an integer, got ${JSON.stringify(raw)}`);
      if (def.min !== undefined && n < def.min) throw bad(`must be at least ${def.min}`);
      if (def.max !== undefined && n > def.max) throw bad(`must be at most ${def.max}`);
      return n;
    }
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string" && /^(1|true|yes|on)$/i.test(raw)) return true;
      if (typeof raw === "string" && /^(0|false|no|off)$/i.test(raw)) return false;
      throw bad(`expected true or false, got ${JSON.stringify(raw)}`);
    case "enum":
      if (typeof raw !== "string" || !def.values!.includes(raw)) {
        throw bad(`expected one of ${def.values!.join(", ")}, got ${JSON.stringify(raw)}`);
      }
      return raw;
  }
}

export async function readConfigFile(path: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new AgentError("VALIDATION_FAILED", `cannot read config file ${path}: ${e}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `config file ${path} is not valid TOML: ${(e as Error).message}`,
      { file: path },
    );
  }
}

export async function loadSettings(opts: LoadOptions = {}): Promise<Settings> {
  const env = opts.env ?? Deno.env.toObject();
  const cwd = opts.cwd ?? Deno.cwd();
  const dev = opts.dev ?? /^(1|true|yes)$/i.test(env.AGENT_DEV ?? "");
  const configFile = opts.configFile ?? env.AGENT_CONFIG ??
    (dev ? `${cwd}/dev-data/config.toml` : DEFAULT_CONFIG_FILE);
  const file = (await readConfigFile(configFile)) ?? {};
  const known = new Map(SETTINGS.map((d) => [d.name, d]));
  for (const key of Object.keys(file)) {
    if (!known.has(key)) {
      throw new AgentError(
        "VALIDATION_FAILED",
        `config file ${configFile}: unknown setting "${key}"`,
        { field: key, file: configFile },
      );
    }
  }
  const out: Record<string, unknown> = { dev, config_file: configFile };
  // Explicit values first, so derived defaults can see them whatever the order.
  const explicit: Record<string, unknown> = {};
  for (const def of SETTINGS) {
    const fromOverride = opts.overrides?.[def.name];
    const fromEnv = env[envName(def.name)];
    if (fromOverride !== undefined) explicit[def.name] = coerce(def, fromOverride, "override");
    else if (fromEnv !== undefined) explicit[def.name] = coerce(def, fromEnv, envName(def.name));
    else if (file[def.name] !== undefined) {
      explicit[def.name] = coerce(def, file[def.name], configFile);
    }
  }
  const resolve = (name: string, seen: Set<string>): unknown => {
    if (name in out) return out[name];
    if (seen.has(name)) throw new Error(`settings: cycle at ${name}`);
    seen.add(name);
    const def = known.get(name)!;
    let v: unknown;
    if (name in explicit) v = explicit[name];
    else {
      const d = dev && def.dev !== undefined ? def.dev : def.prod;
      const proxy = new Proxy({}, { get: (_t, k) => resolve(String(k), seen) });
      v = typeof d === "function" ? d(proxy) : d;
    }
    if (def.path && typeof v === "string" && v !== "" && !v.startsWith("/")) {
      v = `${cwd.replace(/\/+$/, "")}/${v.replace(/^\.\//, "")}`;
    }
    out[name] = v;
    return v;
  };
  for (const def of SETTINGS) resolve(def.name, new Set());
  if (!/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(String(out.listen))) {
    throw new AgentError("VALIDATION_FAILED", `setting listen: expected host:port`, {
      field: "listen",
    });
  }
  return out as Settings;
}

/** Settings as shown to people: secrets masked. */
export function maskedSettings(s: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of SETTINGS) {
    const v = s[def.name];
    out[def.name] = def.secret && typeof v === "string" && v ? mask(v) : v;
  }
  return out;
}

export function mask(v: string): string {
  return v.length <= 4 ? "****" : `${v.slice(0, 4)}****`;
}
