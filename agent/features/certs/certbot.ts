// The certbot driver: one `certbot certonly --webroot` per issuance or renewal.
// certbot only writes files under certbot_dir and answers challenges through
// the webroot every rendered site serves; it never edits nginx files.
import type { Exec, ExecResult } from "../../exec.ts";
import type { CertsConfig } from "./settings.ts";

export interface CertbotRequest {
  name: string;
  domains: string[];
  email?: string;
  /** Re-issue even when certbot thinks the certificate is not due. */
  force: boolean;
}

export interface CertFiles {
  certificate: string;
  key: string;
}

export function liveDir(s: Pick<CertsConfig, "certbot_dir">, name: string): string {
  return `${s.certbot_dir}/live/${name}`;
}

export function filesOf(s: Pick<CertsConfig, "certbot_dir">, name: string): CertFiles {
  return {
    certificate: `${liveDir(s, name)}/fullchain.pem`,
    key: `${liveDir(s, name)}/privkey.pem`,
  };
}

/**
 * certbot's own state in a fleet: the controller's lineages, apart from the
 * live/<name>/ files every node writes from etcd (a node that becomes the
 * controller later has regular files there, not a lineage certbot could renew).
 */
export function issuerDir(s: Pick<CertsConfig, "certbot_dir">): string {
  return `${s.certbot_dir}/issuer`;
}

/** Where certbot keeps its state: all under certbot_dir (or `dir`), none in /etc/letsencrypt. */
export function certbotDirs(s: Pick<CertsConfig, "certbot_dir">, dir = s.certbot_dir): string[] {
  return ["--config-dir", dir, "--work-dir", `${dir}/work`, "--logs-dir", `${dir}/logs`];
}

/** In a fleet: certbot answers HTTP-01 through the agent's hooks, not the local webroot. */
export interface ManualMode {
  /** The agent's own command line (words), e.g. "/usr/local/bin/agent". */
  agent: string;
}

/** The certbot command line for a request (pure: tests read it). */
export function certbotArgs(s: CertsConfig, req: CertbotRequest, manual?: ManualMode): string[] {
  const email = req.email ?? s.acme_email;
  const how = manual
    ? [
      "--manual",
      "--preferred-challenges",
      "http",
      "--manual-auth-hook",
      `${manual.agent} acme publish-challenge`,
      "--manual-cleanup-hook",
      `${manual.agent} acme cleanup-challenge`,
    ]
    : ["--webroot", "-w", s.acme_webroot];
  const args = [
    ...s.certbot_command.trim().split(/\s+/),
    "certonly",
    ...how,
    "--cert-name",
    req.name,
    ...req.domains.flatMap((d) => ["-d", d]),
    "--non-interactive",
    "--agree-tos",
    "--server",
    s.acme_directory_url,
    ...certbotDirs(s, manual ? issuerDir(s) : s.certbot_dir),
    ...(email ? ["-m", email, "--no-eff-email"] : ["--register-unsafely-without-email"]),
    // The HMAC key is a secret: certbot reads it from a 0600 config file, never from
    // its command line (/proc/<pid>/cmdline is readable by every user).
    ...(s.acme_eab_kid && s.acme_eab_hmac_key ? ["--config", eabFile(s)] : []),
    // A changed domain list replaces the lineage's names without a prompt.
    "--expand",
    ...(req.force ? ["--force-renewal"] : ["--keep-until-expiring"]),
  ];
  return args;
}

/** The part of certbot's output an operator needs: errors, without boilerplate lines. */
export function certbotMessage(r: ExecResult): string {
  const text = `${r.stderr}\n${r.stdout}`;
  const boiler =
    /^(Saving debug log|Ask for help|See the logfile|Some challenges have failed|Requesting a certificate|Account registered|Renewing an existing|Certbot failed to authenticate some domains \(authenticator: (webroot|manual)\)\. The Certificate Authority reported these problems:$)/;
  const lines = text.split("\n").map((l) => l.trimEnd()).filter((l) =>
    l.trim() !== "" && !boiler.test(l.trim())
  );
  const msg = lines.join("\n").trim();
  if (r.code === 127) return msg || "certbot: command not found";
  return (msg || `certbot exited with status ${r.code}`).slice(0, 4000);
}

/** Environment for certbot: the ACME server's CA bundle when one is configured. */
export function certbotEnv(s: CertsConfig): Record<string, string> {
  return s.acme_ca_bundle ? { REQUESTS_CA_BUNDLE: s.acme_ca_bundle } : {};
}

/** certbot's config file holding the EAB credentials (written 0600 for each run). */
export function eabFile(s: Pick<CertsConfig, "certbot_dir">): string {
  return `${s.certbot_dir}/eab.ini`;
}

async function writeEab(s: CertsConfig): Promise<boolean> {
  if (!(s.acme_eab_kid && s.acme_eab_hmac_key)) return false;
  const path = eabFile(s);
  await Deno.remove(path).catch(() => {});
  const f = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  try {
    await Deno.chmod(path, 0o600); // the umask could not widen it, but be explicit
    const text = `eab-kid = ${s.acme_eab_kid}\neab-hmac-key = ${s.acme_eab_hmac_key}\n`;
    await f.write(new TextEncoder().encode(text));
  } finally {
    f.close();
  }
  return true;
}

export async function runCertbot(
  exec: Exec,
  s: CertsConfig,
  req: CertbotRequest,
  o: { manual?: ManualMode; env?: Record<string, string> } = {},
): Promise<ExecResult> {
  await Deno.mkdir(`${s.acme_webroot}/.well-known/acme-challenge`, { recursive: true });
  await Deno.mkdir(s.certbot_dir, { recursive: true, mode: 0o700 });
  if (o.manual) await Deno.mkdir(issuerDir(s), { recursive: true, mode: 0o700 });
  const eab = await writeEab(s);
  try {
    return await exec.run(certbotArgs(s, req, o.manual), {
      env: { ...certbotEnv(s), ...o.env },
      timeoutMs: s.certbot_timeout * 1000,
    });
  } finally {
    if (eab) await Deno.remove(eabFile(s)).catch(() => {});
  }
}
