// The core's settings rows: what the core itself reads (the API, the store, the
// renderer, the nginx pipeline). acme_webroot is here because every site the core
// renders serves the ACME challenge location from it; `secret` because the store
// seals secret record fields with it.
import { bool, defineSettings, int, join, oneOf, type SettingsOf, str } from "./define.ts";

const LISTEN = /^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/;

export const CORE_SETTINGS = defineSettings({
  // core
  listen: str({
    group: "Core",
    prod: (s) => `${String(s.host).includes(":") ? `[${s.host}]` : s.host}:${s.port}`,
    check: (v) => LISTEN.test(String(v)) ? undefined : "expected host:port",
    description: "API and web UI address (host:port); default: <host>:<port>",
  }),
  api_key: str({
    group: "Core",
    prod: "",
    secret: true,
    check: (v) =>
      v === "" || String(v).length >= 24 ? undefined : "must be at least 24 characters (or empty)",
    description: "API key, at least 24 characters; empty: generated once into <data_dir>/api-key",
  }),
  data_dir: str({
    group: "Core",
    path: true,
    prod: "/var/lib/agent",
    dev: "./dev-data",
    description: "State directory (Deno KV file, API key, backups)",
  }),
  log_level: oneOf(["debug", "info", "warn", "error"], {
    group: "Core",
    prod: "info",
    description: "Log level",
  }),
  template_dir: str({
    group: "Core",
    path: true,
    prod: "/etc/agent/templates",
    dev: (s) => join(s.data_dir, "templates"),
    description: "Template overrides: a file here replaces the embedded template of that name",
  }),
  host: str({
    group: "Core",
    prod: "127.0.0.1",
    description: "API and web UI bind address, when listen is not set (nanio's HOST)",
  }),
  port: int({
    group: "Core",
    min: 1,
    max: 65535,
    prod: 8100,
    description: "API and web UI port, when listen is not set (nanio's PORT)",
  }),
  session_ttl: int({
    group: "Core",
    min: 60,
    max: 30 * 86400,
    prod: 28800,
    description: "Web UI session length in seconds (8 hours)",
  }),
  log_file: str({
    group: "Core",
    path: true,
    prod: "",
    description: "Also write the agent's log to this file, rotated; empty: stderr only",
  }),
  log_file_max_mb: int({
    group: "Core",
    min: 1,
    max: 1024,
    prod: 10,
    description: "Size in MB at which log_file is rotated",
  }),
  log_file_count: int({
    group: "Core",
    min: 1,
    max: 100,
    prod: 5,
    description: "Rotated copies of log_file kept (log_file.1 ... log_file.N)",
  }),
  // nginx
  nginx_bin: str({ group: "Nginx", prod: "nginx", description: "nginx binary" }),
  nginx_conf: str({
    group: "Nginx",
    path: true,
    prod: "/etc/nginx/nginx.conf",
    dev: (s) => join(s.data_dir, "nginx/nginx.conf"),
    description: "Main nginx.conf (must include <nginx_dir>/current/*.conf inside http {})",
  }),
  nginx_prefix: str({
    group: "Nginx",
    path: true,
    prod: "",
    dev: (s) => join(s.data_dir, "nginx"),
    description: "nginx -p prefix; empty: nginx's compiled-in prefix",
  }),
  nginx_pid_file: str({
    group: "Nginx",
    path: true,
    prod: "/run/nginx.pid",
    dev: (s) => join(s.data_dir, "nginx/logs/nginx.pid"),
    description: "pid file of the nginx master (reload sends it SIGHUP)",
  }),
  nginx_error_log: str({
    group: "Nginx",
    path: true,
    prod: "/var/log/nginx/error.log",
    dev: (s) => join(s.data_dir, "nginx/logs/error.log"),
    description: "nginx error log, read to explain a failed reload",
  }),
  nginx_dir: str({
    group: "Nginx",
    path: true,
    prod: "/etc/nginx/switchyard",
    dev: (s) => join(s.data_dir, "nginx/managed"),
    description: "Directory the agent owns: generations/, live/ and the current symlink",
  }),
  unknown_host_response: oneOf(["404", "444"], {
    group: "Nginx",
    prod: "404",
    description:
      "What plain HTTP requests for a host no site names get from the agent's default server (444: close the connection); TLS handshakes for unknown names are refused",
  }),
  raw_directives_allow: str({
    group: "Nginx",
    prod: "",
    check: (v) =>
      /^[a-z0-9_,\s]*$/.test(String(v)) ? undefined : "directive names separated by commas",
    description:
      "Directive names added to the raw-directive allowlist of extra_blocks and route extra on this host (comma-separated; never a path, never include/load_module/lua/perl/js)",
  }),
  reload_command: str({
    group: "Nginx",
    prod: "",
    description: "Reload command (e.g. 'systemctl reload nginx'); empty: SIGHUP to the master",
  }),
  reload_timeout: int({
    group: "Nginx",
    min: 1,
    max: 600,
    prod: 15,
    description: "Seconds to wait for nginx to serve a new generation after a reload",
  }),
  reload_probe: oneOf(["on", "off"], {
    group: "Nginx",
    prod: "off",
    description: "on: answer once a new worker serves (loopback probe, http_port)",
  }),
  reload_handoff: oneOf(["early", "nginx"], {
    group: "Nginx",
    prod: "early",
    description:
      "early: once nginx forks new workers, the agent tells the old ones to stop accepting (SIGQUIT); nginx: its master does, 100 ms later",
  }),
  bind_address: str({
    group: "Nginx",
    prod: "",
    dev: "127.0.0.1",
    description: "Address sites listen on when a listen entry gives none; empty: all addresses",
  }),
  http_port: int({
    group: "Nginx",
    min: 1,
    max: 65535,
    prod: 80,
    dev: (s) => s.dev_http_port,
    description: "Default HTTP port of sites without listen entries",
  }),
  https_port: int({
    group: "Nginx",
    min: 1,
    max: 65535,
    prod: 443,
    dev: (s) => s.dev_https_port,
    description: "Default HTTPS port of sites with TLS",
  }),
  dev_http_port: int({
    group: "Nginx",
    min: 1,
    max: 65535,
    prod: 8080,
    description: "HTTP port of the private nginx in dev mode",
  }),
  dev_https_port: int({
    group: "Nginx",
    min: 1,
    max: 65535,
    prod: 8443,
    description: "HTTPS port of the private nginx in dev mode",
  }),
  acme_webroot: str({
    group: "Nginx",
    path: true,
    prod: (s) => join(s.data_dir, "acme-webroot"),
    description: "Webroot every site serves /.well-known/acme-challenge/ from",
  }),
  tls_profile: oneOf(["modern", "intermediate", "compatible"], {
    group: "Nginx",
    prod: "modern",
    description:
      "TLS of every HTTPS site: modern (TLS 1.2/1.3, AEAD+FS only), intermediate (adds DHE), compatible (TLS 1.0+, CBC: old clients only)",
  }),
  hsts: bool({
    group: "Nginx",
    prod: true,
    description: "Send Strict-Transport-Security on HTTPS sites with redirect_http",
  }),
  hsts_max_age: int({
    group: "Nginx",
    min: 0,
    max: 63072000,
    prod: 31536000,
    description: "HSTS max-age in seconds (one year)",
  }),
  lua_upstreams: oneOf(["off", "auto", "on"], {
    group: "Nginx",
    prod: "off",
    description:
      "Reload-free upstreams: pools' members in nginx's memory, set without a reload (Debian libnginx-mod-http-lua); auto: when nginx.conf loads the module; on: refuse to start without it",
  }),
  lua_upstreams_port: int({
    group: "Nginx",
    min: 1,
    max: 65535,
    prod: 8199,
    description: "Loopback port where nginx takes pools' members from the agent (lua_upstreams)",
  }),
  share_upstreams: bool({
    group: "Nginx",
    prod: true,
    description:
      "Identical pools share one nginx upstream (sy_shared_<hash>): nginx parses N identical pools as one; off if your own nginx config names sy_<pool>",
  }),
  // apply
  apply_mode: oneOf(["auto", "manual"], {
    group: "Apply",
    prod: "auto",
    description: "auto: every change is applied; manual: changes wait for POST /api/config/apply",
  }),
  apply_proof: oneOf(["sandbox", "full"], {
    group: "Apply",
    prod: "sandbox",
    description: "sandbox: nginx -t of the changed entities, the reload proves all; full: all",
  }),
  coalesce_ms: int({
    group: "Apply",
    min: 0,
    max: 10000,
    prod: 25,
    description:
      "Quiet ms an apply waits for while writes are still committing; a lone change starts at once",
  }),
  coalesce_max_ms: int({
    group: "Apply",
    min: 0,
    max: 60000,
    prod: 1000,
    description: "Longest an apply waits for a burst to end before it starts anyway",
  }),
  generations_keep: int({
    group: "Apply",
    min: 2,
    max: 10000,
    prod: 50,
    description: "Generations kept as backups (count)",
  }),
  generations_max_age_days: int({
    group: "Apply",
    min: 0,
    max: 3650,
    prod: 7,
    description: "Generations older than this are pruned beyond the count (0: count only)",
  }),
  // the key store/secrets.ts seals secret record fields with
  secret: str({
    group: "Core",
    prod: "",
    secret: true,
    description:
      "Key sealing secret record fields (AES-256-GCM, base64); `agent config generate-secret`",
  }),
});

export type CoreSettings = SettingsOf<typeof CORE_SETTINGS> & {
  /** Dev mode (--dev or AGENT_DEV). */
  dev: boolean;
  /** The settings file that was read (it may not exist). */
  config_file: string;
};
