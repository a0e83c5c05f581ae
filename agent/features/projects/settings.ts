// The projects feature's settings rows: the projects site or snippet, the
// health checks, and the service manager that runs project backends.
import {
  bool,
  defineSettings,
  int,
  join,
  oneOf,
  type SettingsOf,
  str,
} from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";

export const PROJECTS_SETTINGS = defineSettings({
  projects_root: str({
    group: "Projects",
    path: true,
    prod: "/srv/projects",
    dev: (s) => join(s.data_dir, "projects"),
    description: "Parent directory of project directories: <projects_root>/<name>/",
  }),
  projects_mode: oneOf(["site", "snippet"], {
    group: "Projects",
    prod: "site",
    description:
      "site: project routes live in the agent's projects site; snippet: in a locations file your own server {} includes",
  }),
  projects_site: str({
    group: "Projects",
    prod: "projects",
    description:
      "Site that holds the project routes (mode site): an existing site of that name gets them added, else the agent derives one",
  }),
  projects_domain: str({
    group: "Projects",
    prod: "",
    description: "Server name of the derived projects site; empty: any host name (_)",
  }),
  projects_https_port: int({
    group: "Projects",
    min: 1,
    max: 65535,
    prod: 8000,
    dev: (s) => s.http_port,
    description: "Port of the derived projects site (TLS when a certificate is set)",
  }),
  projects_default_server: bool({
    group: "Projects",
    prod: false,
    dev: true,
    description: "The derived projects site is the default server of its port (any Host header)",
  }),
  projects_tls_certificate: str({
    group: "Projects",
    path: true,
    prod: "",
    description: "Certificate file of the derived projects site (with projects_tls_key)",
  }),
  projects_tls_key: str({
    group: "Projects",
    path: true,
    prod: "",
    description: "Private key file of the derived projects site",
  }),
  projects_cert: str({
    group: "Projects",
    prod: "",
    description: "Managed certificate of the derived projects site (instead of certificate files)",
  }),
  projects_snippet_file: str({
    group: "Projects",
    path: true,
    prod: "/etc/nginx/snippets/switchyard_projects.conf",
    dev: (s) => join(s.data_dir, "nginx/snippets/switchyard_projects.conf"),
    description:
      "Mode snippet: the locations file your server {} includes; the agent makes it a symlink into its current generation",
  }),
  projects_external_url: str({
    group: "Projects",
    prod: "",
    description:
      "Base URL of the external health check (e.g. https://example.com:8000); empty: derived from domain, port and TLS",
  }),
  projects_check_ca_file: str({
    group: "Projects",
    path: true,
    prod: "",
    description:
      "PEM file of CA certificates the external health check trusts (self-signed certificates)",
  }),
  projects_check_insecure: bool({
    group: "Projects",
    prod: false,
    description:
      "External health check over https without verifying the certificate (projrouter's curl -k, for self-signed certificates); agent check warns while it is on",
  }),
  projects_check_timeout: int({
    group: "Projects",
    min: 1,
    max: 600,
    prod: 15,
    description: "Seconds activate waits for a backend to answer its health path",
  }),
  projects_registry_file: str({
    group: "Projects",
    path: true,
    prod: "",
    description: "Keep a projrouter registry.toml in sync with the projects (empty: off)",
  }),
  service_manager: oneOf(["auto", "systemd", "builtin"], {
    group: "Projects",
    prod: "auto",
    dev: "builtin",
    description:
      "Runs project backends: systemd units, or the agent's builtin supervisor; auto: systemd when it is PID 1",
  }),
  systemctl_command: str({
    group: "Projects",
    prod: "systemctl",
    description: "systemctl command, split on spaces (e.g. 'nsenter -t PID -a systemctl')",
  }),
  systemd_unit_dir: str({
    group: "Projects",
    path: true,
    prod: "/etc/systemd/system",
    description: "Where proj-<name>.service units are written",
  }),
  projects_user: str({
    group: "Projects",
    prod: "",
    description:
      "User= of project units (systemd); empty: root. The builtin supervisor runs backends as the agent's user",
  }),
  projects_log_dir: str({
    group: "Projects",
    path: true,
    prod: (s) => join(s.data_dir, "project-logs"),
    description: "Builtin supervisor: one log file per project, <name>.log",
  }),
  projects_log_max_bytes: int({
    group: "Projects",
    min: 4096,
    max: 1073741824,
    prod: 10485760,
    description: "Builtin supervisor: a project log is rotated when it reaches this size",
  }),
  projects_log_keep: int({
    group: "Projects",
    min: 1,
    max: 100,
    prod: 3,
    description: "Builtin supervisor: rotated logs kept per project (<name>.log.1 ...)",
  }),
});

export type ProjectsSettings = SettingsOf<typeof PROJECTS_SETTINGS>;

/** What this feature's code reads: the core's settings and its own. */
export type ProjectsConfig = CoreSettings & ProjectsSettings;

/** The runtime this feature's callbacks get (see `host.settings`). */
export type ProjectsRuntime = Runtime<ProjectsConfig>;
