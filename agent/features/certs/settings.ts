// The certificates feature's settings rows: the ACME CA, certbot, renewal.
// (acme_webroot is a core row: every rendered site serves the challenge from it.)
import { defineSettings, int, join, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";

export const CERTS_SETTINGS = defineSettings({
  acme_directory_url: str({
    group: "Certificates",
    prod: "https://acme-v02.api.letsencrypt.org/directory",
    description:
      "ACME directory certbot issues from (Let's Encrypt production; staging, step-ca or any ACME CA)",
  }),
  acme_email: str({
    group: "Certificates",
    prod: "",
    description: "Account email for the ACME CA when a certificate gives none; empty: no email",
  }),
  acme_eab_kid: str({
    group: "Certificates",
    prod: "",
    description: "External account binding key id, for CAs that require EAB",
  }),
  acme_eab_hmac_key: str({
    group: "Certificates",
    prod: "",
    secret: true,
    description: "External account binding HMAC key (base64url), for CAs that require EAB",
  }),
  acme_ca_bundle: str({
    group: "Certificates",
    path: true,
    prod: "",
    description:
      "PEM bundle certbot trusts for the ACME server (REQUESTS_CA_BUNDLE): a private CA; empty: system CAs",
  }),
  certbot_dir: str({
    group: "Certificates",
    path: true,
    prod: (s) => join(s.data_dir, "certbot"),
    description: "certbot's config dir; certificates land in <certbot_dir>/live/<name>/",
  }),
  certbot_command: str({
    group: "Certificates",
    prod: "certbot",
    description: "certbot command (words split on spaces)",
  }),
  certbot_timeout: int({
    group: "Certificates",
    min: 10,
    max: 3600,
    prod: 300,
    description: "Seconds one certbot run may take before it is stopped",
  }),
  acme_hook_command: str({
    group: "Certificates",
    prod: "",
    description:
      "Fleet (store = etcd): the agent's own command certbot's HTTP-01 hooks run (it is run with the arguments acme publish-challenge); empty: this binary",
  }),
  acme_challenge_timeout: int({
    group: "Certificates",
    min: 5,
    max: 600,
    prod: 60,
    description:
      "Fleet: seconds the challenge hook waits for every registered node to serve an HTTP-01 token",
  }),
  cert_renew_interval: int({
    group: "Certificates",
    min: 0,
    max: 604800,
    prod: 86400,
    description: "Seconds between renewal checks (0: off)",
  }),
  cert_renew_before_days: int({
    group: "Certificates",
    min: 1,
    max: 365,
    prod: 30,
    description: "Renew a certificate this many days before it expires (status expiring)",
  }),
});

export type CertsSettings = SettingsOf<typeof CERTS_SETTINGS>;

/** What this feature's code reads: the core's settings and its own. */
export type CertsConfig = CoreSettings & CertsSettings;

/** The runtime this feature's callbacks get (see `host.settings`). */
export type CertsRuntime = Runtime<CertsConfig>;
