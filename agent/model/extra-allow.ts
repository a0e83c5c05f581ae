// The raw-directive allowlist: the directive names an operator may write in a
// site's extra_blocks (server context) and a route's extra (location context).
// A list of what is safe, not of what is known to be dangerous: the root nginx
// master creates and chowns the files directives name (access_log, *_temp_path),
// modules run code (lua, perl, njs), and a new nginx module brings new names.
// So no directive that names a file is here; a host may add names with the
// setting raw_directives_allow (never through the API), and even then no path
// and nothing from BANNED_DIRECTIVE passes.

export type RawContext = "server" | "location" | "if";

/** Names valid in both server and location context. */
const COMMON = [
  // headers and responses
  "add_header",
  "add_trailer",
  "expires",
  "etag",
  "if_modified_since",
  "charset",
  "charset_types",
  "source_charset",
  "override_charset",
  "default_type",
  "server_tokens",
  "error_page",
  "recursive_error_pages",
  "absolute_redirect",
  "port_in_redirect",
  "server_name_in_redirect",
  "msie_padding",
  "msie_refresh",
  "chunked_transfer_encoding",
  "return",
  "rewrite",
  "rewrite_log",
  "set",
  "break",
  "if",
  // timeouts, buffers, connections
  "keepalive_timeout",
  "keepalive_requests",
  "send_timeout",
  "client_body_timeout",
  "client_max_body_size",
  "client_body_buffer_size",
  "lingering_close",
  "lingering_time",
  "lingering_timeout",
  "reset_timedout_connection",
  "sendfile",
  "sendfile_max_chunk",
  "tcp_nopush",
  "tcp_nodelay",
  "output_buffers",
  "postpone_output",
  "log_not_found",
  "log_subrequest",
  "resolver_timeout",
  // access and rate limits
  "allow",
  "deny",
  "satisfy",
  "limit_rate",
  "limit_rate_after",
  "limit_req",
  "limit_req_status",
  "limit_req_log_level",
  "limit_req_dry_run",
  "limit_conn",
  "limit_conn_status",
  "limit_conn_log_level",
  "limit_conn_dry_run",
  "real_ip_header",
  "real_ip_recursive",
  "set_real_ip_from",
  "auth_request",
  "auth_request_set",
  // compression and rewriting of bodies
  "gzip",
  "gzip_types",
  "gzip_comp_level",
  "gzip_min_length",
  "gzip_proxied",
  "gzip_vary",
  "gzip_buffers",
  "gzip_disable",
  "gzip_http_version",
  "gunzip",
  "gunzip_buffers",
  "sub_filter",
  "sub_filter_once",
  "sub_filter_types",
  "sub_filter_last_modified",
  // proxying (no *_temp_path, *_store, *_cache_path, *_certificate*, *_file: they name files)
  "proxy_http_version",
  "proxy_set_header",
  "proxy_hide_header",
  "proxy_pass_header",
  "proxy_ignore_headers",
  "proxy_pass_request_headers",
  "proxy_pass_request_body",
  "proxy_set_body",
  "proxy_method",
  "proxy_buffering",
  "proxy_buffers",
  "proxy_buffer_size",
  "proxy_busy_buffers_size",
  "proxy_request_buffering",
  "proxy_max_temp_file_size",
  "proxy_temp_file_write_size",
  "proxy_connect_timeout",
  "proxy_read_timeout",
  "proxy_send_timeout",
  "proxy_next_upstream",
  "proxy_next_upstream_tries",
  "proxy_next_upstream_timeout",
  "proxy_redirect",
  "proxy_cookie_domain",
  "proxy_cookie_path",
  "proxy_cookie_flags",
  "proxy_intercept_errors",
  "proxy_ignore_client_abort",
  "proxy_limit_rate",
  "proxy_force_ranges",
  "proxy_socket_keepalive",
  "proxy_headers_hash_max_size",
  "proxy_headers_hash_bucket_size",
  "proxy_ssl_server_name",
  "proxy_ssl_name",
  "proxy_ssl_verify",
  "proxy_ssl_verify_depth",
  "proxy_ssl_protocols",
  "proxy_ssl_ciphers",
  "proxy_ssl_session_reuse",
  "proxy_cache",
  "proxy_cache_key",
  "proxy_cache_valid",
  "proxy_cache_methods",
  "proxy_cache_min_uses",
  "proxy_cache_use_stale",
  "proxy_cache_bypass",
  "proxy_no_cache",
  "proxy_cache_lock",
  "proxy_cache_lock_timeout",
  "proxy_cache_lock_age",
  "proxy_cache_revalidate",
  "proxy_cache_background_update",
  "proxy_cache_convert_head",
  "grpc_set_header",
  "grpc_hide_header",
  "grpc_connect_timeout",
  "grpc_read_timeout",
  "grpc_send_timeout",
  "grpc_buffer_size",
];

/** Only in server context (extra_blocks). */
const SERVER_ONLY = [
  "location",
  "ssl_protocols",
  "ssl_ciphers",
  "ssl_prefer_server_ciphers",
  "ssl_session_cache",
  "ssl_session_timeout",
  "ssl_session_tickets",
  "ssl_ecdh_curve",
  "ssl_buffer_size",
  "ssl_early_data",
  "ssl_stapling",
  "ssl_stapling_verify",
  "http2_max_concurrent_streams",
  "http2_push_preload",
  "client_header_timeout",
  "client_header_buffer_size",
  "large_client_header_buffers",
  "ignore_invalid_headers",
  "underscores_in_headers",
  "merge_slashes",
];

/** Only in location context (a route's extra, or a location opened in extra_blocks). */
const LOCATION_ONLY = ["location", "proxy_pass", "grpc_pass", "internal"];

/** What nginx allows inside `if`: the rewrite module and a few response directives. */
const IF_ONLY = [
  "return",
  "rewrite",
  "set",
  "break",
  "if",
  "add_header",
  "expires",
  "limit_rate",
  "proxy_pass",
  "proxy_set_header",
  "error_page",
  "gzip",
];

export const DEFAULT_ALLOW: Record<RawContext, ReadonlySet<string>> = {
  server: new Set([...COMMON, ...SERVER_ONLY]),
  location: new Set([...COMMON, ...LOCATION_ONLY]),
  if: new Set(IF_ONLY),
};

/** Names with their own field on the site: written raw they would take other sites' traffic. */
export const RESERVED: Record<string, string> = {
  server_name: "server names are the site's server_names field (they are claimed)",
  listen: "ports are the site's listen field (they are claimed)",
};

/**
 * Never allowed, even when a host extends the list: they load code, include
 * files or reconfigure the master.
 */
export function BANNED_DIRECTIVE(name: string): boolean {
  const n = name.toLowerCase();
  return ["load_module", "include", "ssl_engine", "env", "daemon", "user"].includes(n) ||
    n.includes("_by_lua") || n.startsWith("lua_") || n.startsWith("js_") ||
    n.startsWith("perl");
}

/** Directives whose arguments name files (logs, temp dirs, keys, roots, password files). */
export function takesPath(name: string): boolean {
  const n = name.toLowerCase();
  if (n === "rewrite_log" || n === "proxy_cookie_path") return false; // on/off, a URI path
  return /(_log|_path|_file|_certificate|_certificate_key|_crl|_dhparam|_store|_root)$/.test(n) ||
    ["root", "alias", "include", "try_files", "index", "ssi_include"].includes(n) ||
    n.includes("certificate");
}

export function directiveAllowed(
  name: string,
  ctx: RawContext,
  extra?: ReadonlySet<string>,
): boolean {
  return DEFAULT_ALLOW[ctx].has(name) || (extra?.has(name) ?? false);
}

/** The context a block directive opens. */
export function contextOf(name: string | undefined, ctx: RawContext): RawContext {
  if (name === "location") return "location";
  if (name === "if") return "if";
  return ctx;
}

/** The host's extension: names separated by commas or spaces (setting raw_directives_allow). */
export function parseAllowSetting(v: string): ReadonlySet<string> {
  return new Set(v.split(/[\s,]+/).filter(Boolean));
}
