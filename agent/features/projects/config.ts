// What the projects settings mean for rendering, checked once. The render part
// is stored as a record (kind "projects", name "settings") next to the project
// records, so a generation renders the same text from its sidecars whatever the
// settings are later (drift, rewrite, rollback), and a settings change is an
// audited change like any other.
import { AgentError } from "../../errors.ts";
import { absPath, serverName, slug } from "../../model/grammar.ts";
import type { ProjectsConfig } from "./settings.ts";

export const SETTINGS_KIND = "projects";
export const SETTINGS_NAME = "settings";
export const SETTINGS_ID = `${SETTINGS_KIND}/${SETTINGS_NAME}`;

export type ProjectsTls = { certificate: string; key: string } | { cert: string };

/** The settings that change the nginx text (stored as the projects/settings record). */
export interface ProjectsRenderConfig {
  mode: "site" | "snippet";
  site: string;
  domain: string;
  port: number;
  default_server: boolean;
  tls: ProjectsTls | null;
}

function bad(setting: string, why: string): AgentError {
  return new AgentError("VALIDATION_FAILED", `setting ${setting}: ${why}`, { field: setting });
}

const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Checks the projects settings; VALIDATION_FAILED names the setting. */
export function checkProjectsSettings(s: ProjectsConfig): void {
  const siteWhy = slug(s.projects_site);
  if (siteWhy) throw bad("projects_site", siteWhy);
  if (s.projects_domain) {
    const why = serverName(s.projects_domain);
    if (why) throw bad("projects_domain", why);
  }
  for (
    const k of [
      "projects_root",
      "projects_tls_certificate",
      "projects_tls_key",
      "projects_snippet_file",
      "systemd_unit_dir",
      "projects_log_dir",
    ] as const
  ) {
    const v = s[k];
    if (v === "" && (k === "projects_tls_certificate" || k === "projects_tls_key")) continue;
    const why = absPath(v);
    if (why) throw bad(k, why);
  }
  if (Boolean(s.projects_tls_certificate) !== Boolean(s.projects_tls_key)) {
    throw bad(
      s.projects_tls_certificate ? "projects_tls_key" : "projects_tls_certificate",
      "certificate and key go together",
    );
  }
  if (s.projects_cert) {
    const why = slug(s.projects_cert);
    if (why) throw bad("projects_cert", why);
    if (s.projects_tls_certificate) {
      throw bad("projects_cert", "give either projects_cert or projects_tls_certificate+key");
    }
  }
  if (s.projects_user && !USER_RE.test(s.projects_user)) {
    throw bad("projects_user", "must be a user name (a-z, 0-9, _ and -)");
  }
  if (
    s.projects_external_url && !/^https?:\/\/[A-Za-z0-9.\-\[\]:]+\/?$/.test(s.projects_external_url)
  ) {
    throw bad("projects_external_url", "must be http(s)://host[:port] without a path");
  }
  if (s.systemctl_command.trim() === "") throw bad("systemctl_command", "must not be empty");
}

export function renderConfigOf(s: ProjectsConfig): ProjectsRenderConfig {
  return {
    mode: s.projects_mode,
    site: s.projects_site,
    domain: s.projects_domain,
    port: s.projects_https_port,
    default_server: s.projects_default_server,
    tls: s.projects_cert
      ? { cert: s.projects_cert }
      : s.projects_tls_certificate
      ? { certificate: s.projects_tls_certificate, key: s.projects_tls_key }
      : null,
  };
}

/**
 * Base URL of the external health check: where clients reach the projects.
 * Explicit, else https://<domain>:<port> when TLS is known (a certificate, or
 * the operator's own server in snippet mode outside dev), else http on loopback.
 */
export function externalBase(s: ProjectsConfig): string {
  if (s.projects_external_url) return s.projects_external_url.replace(/\/+$/, "");
  const c = renderConfigOf(s);
  const tls = c.tls !== null || (c.mode === "snippet" && !s.dev);
  const host = c.domain || "127.0.0.1";
  const scheme = tls ? "https" : "http";
  const dflt = tls ? 443 : 80;
  return `${scheme}://${host}${c.port === dflt ? "" : `:${c.port}`}`;
}
