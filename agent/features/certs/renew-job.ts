// The renewal job: every cert_renew_interval, renew what is due (missing,
// other names, expired, or within cert_renew_before_days of expiry). A valid
// certificate is never re-issued; failures back off and are rate-limited per
// certificate (see status.ts), and each one is audited on its record.
import { renewCertificate } from "./issue.ts";
import { acmeOf } from "./state.ts";
import { filesOf } from "./certbot.ts";
import { readCertInfo } from "./x509.ts";
import { backoffUntil, blockedUntil, needsIssuance } from "./status.ts";
import type { CertsRuntime } from "./settings.ts";
import { certKind } from "./kind.ts";

export interface RenewalReport {
  renewed: string[];
  /** In a fleet, on a node that is not the controller: asked of the controller. */
  requested: string[];
  failed: { name: string; message: string }[];
  /** Due but waiting for the backoff or the hourly limit. */
  deferred: { name: string; until: string }[];
  valid: string[];
}

export async function runRenewals(rt: CertsRuntime, actor = "renewal"): Promise<RenewalReport> {
  const st = acmeOf(rt);
  const report: RenewalReport = { renewed: [], requested: [], failed: [], deferred: [], valid: [] };
  const now = rt.store.now();
  const certs = await rt.store.list(certKind);
  for (const c of certs) {
    const info = await readCertInfo(st.exec, filesOf(rt.settings, c.name).certificate);
    if (!needsIssuance(c.domains, info, now, rt.settings.cert_renew_before_days)) {
      report.valid.push(c.name);
      continue;
    }
    const until = blockedUntil(c.failures ?? [], now) ?? backoffUntil(c.failures ?? [], now);
    if (until) {
      report.deferred.push({ name: c.name, until: until.toISOString() });
      continue;
    }
    try {
      const r = await renewCertificate(rt, c.name, { actor, scheduled: true });
      (r.accepted ? report.requested : report.renewed).push(c.name);
    } catch (e) {
      const message = (e as Error).message;
      report.failed.push({ name: c.name, message });
      rt.log(`certs: renewing ${c.name} failed: ${message}`);
    }
  }
  if (report.renewed.length || report.failed.length) {
    rt.log(
      `certs: renewal run: ${report.renewed.length} renewed, ${report.failed.length} failed, ` +
        `${report.deferred.length} deferred, ${report.valid.length} valid`,
    );
  }
  return report;
}
