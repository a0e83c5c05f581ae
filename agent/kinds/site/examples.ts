// Valid sites for the kind contract suite: each route type, listen and TLS form,
// IP rules, headers and raw blocks (including add_header, which must parse back).
import { parseSite, type Site } from "./schema.ts";

export function siteExamples(): Site[] {
  return [
    parseSite("plain", { server_names: ["plain.test"], default_pool: "web" }),
    parseSite("routes", {
      server_names: ["routes.test", "www.routes.test"],
      routes: [
        { name: "api", path: "/api/", pool: "web", strip_prefix: true },
        { name: "exact", path: "/ping", match: "exact", upstream: "http://127.0.0.1:9000" },
        { name: "re", path: "^/img/.*\\.png$", match: "regex", static: { root: "/srv/img" } },
        { name: "old", path: "/old/", redirect: { url: "https://routes.test/new/", code: 308 } },
        { name: "ws", path: "/ws/", pool: "web", websocket: true, read_timeout: "1h" },
      ],
    }),
    parseSite("headers", {
      server_names: ["headers.test"],
      default_pool: "web",
      client_max_body_size: "10m",
      response_headers: { "X-Frame-Options": "DENY" },
      ip_rules: { mode: "allow", addresses: ["127.0.0.1", "10.0.0.0/8"] },
    }),
    parseSite("raw", {
      server_names: ["raw.test"],
      default_pool: "web",
      extra_blocks: [{ zone: "end", content: "add_header X-Served-By gw;" }],
    }),
    parseSite("tls", {
      server_names: ["tls.test"],
      default_pool: "web",
      tls: { certificate: "/etc/ssl/tls.pem", key: "/etc/ssl/tls.key" },
      redirect_http: true,
    }),
    parseSite("listen", {
      server_names: ["listen.test"],
      default_pool: "web",
      listen: [{ port: 8080 }],
    }),
  ];
}
