// Issuance and renewal of managed certificates. One entry point for every
// caller (certs API, proxies, the renewal job): the record is written, certbot
// runs only when the certificate on disk is missing, for other names, expiring
// or forced, and an apply puts it in front of every site whose tls.cert names
// it. A failure leaves nginx serving what it served (HTTP, or the old files).
import { AgentError, notFound } from "../../errors.ts";
import { CERT_KIND, type CertSpec, parseCert } from "./model.ts";
import type { Rec, WriteResult } from "../../store/store.ts";
import { specOf } from "../../store/store.ts";
import { submitChange, writeChange } from "../../changes/apply.ts";
import type { ApplyOutcome } from "../../nginx/reconciler.ts";
import { certbotDirs, certbotMessage, filesOf, issuerDir, runCertbot } from "./certbot.ts";
import { fleetOf, requestIssuance, runFleetCertbot } from "./fleet-issue.ts";
import { fileSha256, readCertInfo } from "./x509.ts";
import { acmeOf, refreshFiles, withCertLock } from "./state.ts";
import {
  backoffUntil,
  blockedUntil,
  type CertView,
  certView,
  MAX_FAILURES_PER_HOUR,
  needsIssuance,
  recentFailures,
  statusOf,
} from "./status.ts";
import type { CertsRuntime } from "./settings.ts";
import { siteKind } from "../../kinds/site/kind.ts";

export type { CertView } from "./status.ts";

export interface CertRequest {
  name: string;
  domains: string[];
  email?: string;
  force_renew?: boolean;
  actor: string;
  /** The record version the caller last saw (If-Match): 412 when it moved on. */
  ifMatch?: number;
}

/** What an issuance call did, besides the certificate's view. */
export interface IssueResult extends CertView {
  created?: boolean;
  /** Whether certbot ran (false: the certificate on disk was kept). */
  certbot_ran?: boolean;
  /** Why certbot ran, or why it did not. */
  reason?: string;
  apply?: ApplyOutcome | null;
  /** In a fleet, on a node that is not the controller: asked of the controller (202). */
  accepted?: boolean;
  /** The controller that issues it (null: none elected yet). */
  issuer_node?: string | null;
}

type CertRec = CertSpec & Rec;

/** The stored spec of a certificate record (state fields kept). */
function specFrom(rec: Rec): CertSpec {
  const s = specOf(rec) as unknown as CertSpec;
  return { ...s, failures: s.failures ?? [] };
}

/** Names of the sites that serve this certificate. */
export async function sitesUsing(rt: CertsRuntime, name: string): Promise<string[]> {
  const sites = await rt.store.list(siteKind);
  return sites.filter((s) => s.tls?.cert === name).map((s) => s.name).sort();
}

/** The certificate as the operator sees it: the record, plus what its file says. */
export async function viewOf(rt: CertsRuntime, rec: Rec): Promise<CertView> {
  const st = acmeOf(rt);
  const spec = specFrom(rec);
  const files = filesOf(rt.settings, rec.name);
  const info = await readCertInfo(st.exec, files.certificate);
  const present = await refreshFiles(rt, rec.name);
  return certView(
    { ...spec, version: rec.version, created_at: rec.created_at, updated_at: rec.updated_at },
    info,
    present,
    await sitesUsing(rt, rec.name),
    rt.store.now(),
    rt.settings.cert_renew_before_days,
  );
}

export async function getCertificate(rt: CertsRuntime, name: string): Promise<CertView> {
  const rec = await rt.store.get(CERT_KIND, name);
  if (!rec) throw notFound(CERT_KIND, name);
  return await viewOf(rt, rec);
}

async function writeSpec(
  rt: CertsRuntime,
  spec: CertSpec,
  actor: string,
  action: string,
  final?: { outcome: string; message: string },
): Promise<WriteResult[]> {
  const { name, ...rest } = spec;
  return await writeChange(rt, () => ({
    ops: [{ type: "put", kind: CERT_KIND, name, spec: rest as Record<string, unknown> }],
    actor,
    action,
    ...(final ?? {}),
  }));
}

interface IssueOptions {
  force: boolean;
  actor: string;
  /** The renewal job also honours the backoff between failures. */
  scheduled?: boolean;
  ifMatch?: number;
}

async function issueLocked(
  rt: CertsRuntime,
  want: { name: string; domains: string[]; email?: string },
  opts: IssueOptions,
): Promise<IssueResult> {
  const st = acmeOf(rt);
  const s = rt.settings;
  const name = want.name;
  const now = rt.store.now();
  const cur = await rt.store.get(CERT_KIND, name);
  if (opts.ifMatch !== undefined && (cur?.version ?? 0) !== opts.ifMatch) {
    throw new AgentError(
      "PRECONDITION_FAILED",
      `cert "${name}" is at version ${cur?.version ?? "(absent)"}, not ${opts.ifMatch}`,
      { kind: CERT_KIND, name, version: cur?.version ?? null },
    );
  }
  const base: CertSpec = cur
    ? specFrom(cur)
    : { name, domains: [], status: "pending", failures: [] };
  let spec: CertSpec = { ...base, name, domains: want.domains };
  if (want.email) spec.email = want.email;
  else delete spec.email;
  spec.failures = recentFailures(spec.failures, now);
  const files = filesOf(s, name);
  const info = await readCertInfo(st.exec, files.certificate);
  const due = needsIssuance(want.domains, info, now, s.cert_renew_before_days);
  const created = !cur;

  // Nothing to issue: record what was asked and put the certificate on disk in service.
  if (!opts.force && !due) {
    spec.status = statusOf(spec, info, now, s.cert_renew_before_days);
    spec.sha256 = (await fileSha256(files.certificate)) ?? undefined;
    if (!spec.sha256) delete spec.sha256;
    await refreshFiles(rt, name);
    const results = await writeSpec(rt, spec, opts.actor, "cert.put");
    const change = await submitChange(rt, results);
    return {
      ...(await viewOf(rt, (change.record ?? (await rt.store.get(CERT_KIND, name)))!)),
      created,
      certbot_ran: false,
      reason: `the certificate on disk is valid until ${info!.not_after} for these domains; ` +
        "it is renewed within cert_renew_before_days of expiry, or now with force_renew",
      apply: change.apply,
    };
  }

  // The record goes in first: the challenge server answers for names no site serves.
  const asked = await writeSpec(rt, spec, opts.actor, "cert.put");
  const askedChange = await submitChange(rt, asked);

  const blocked = blockedUntil(spec.failures, now) ??
    (opts.scheduled ? backoffUntil(spec.failures, now) : null);
  if (blocked) {
    const n = spec.failures.length;
    throw new AgentError(
      "SSL_ISSUANCE_FAILED",
      `refused without running certbot: certificate "${name}" failed ${n} time(s) within the last hour ` +
        `(at most ${MAX_FAILURES_PER_HOUR} failed attempts per hour${
          opts.scheduled ? ", with backoff" : ""
        }); next attempt after ${blocked.toISOString()}` +
        (spec.last_error ? `. Last error: ${spec.last_error}` : ""),
      {
        name,
        rate_limited: true,
        failures: spec.failures,
        next_attempt_after: blocked.toISOString(),
        last_error: spec.last_error ?? null,
      },
    );
  }

  // A fleet issues on its controller only: another node asks it and says so (202).
  const fleet = fleetOf(rt);
  if (fleet && !fleet.leading()) {
    const leader = await requestIssuance(fleet, name, opts);
    const rec = askedChange.record ?? (await rt.store.get(CERT_KIND, name))!;
    return {
      ...(await viewOf(rt, rec)),
      created,
      certbot_ran: false,
      accepted: true,
      issuer_node: leader,
      reason: `${opts.force ? "forced" : due}: the fleet's controller ${
        leader ?? "(none elected yet)"
      } issues it and every node then serves it; GET /api/certs/${name} shows when it is active`,
      apply: askedChange.apply,
    };
  }

  const shaBefore = await fileSha256(files.certificate);
  st.certbotRuns++;
  // An existing lineage is only re-issued when the agent decided so: tell certbot.
  const req = {
    name,
    domains: want.domains,
    email: want.email,
    force: opts.force || info !== null,
  };
  const r = await st.certbotTurn.run(() =>
    fleet ? runFleetCertbot(rt, fleet, req) : runCertbot(st.exec, s, req)
  );
  const at = rt.store.now().toISOString();
  const reason = opts.force ? "forced" : due!;
  if (r.code !== 0) {
    const msg = certbotMessage(r);
    spec = { ...spec, last_attempt_at: at, last_error: msg, failures: [...spec.failures, at] };
    spec.status = statusOf(spec, info, rt.store.now(), s.cert_renew_before_days);
    const results = await writeSpec(rt, spec, opts.actor, "cert.issue", {
      outcome: "failed",
      message: msg,
    });
    await refreshFiles(rt, name);
    // Keeps the sidecars in step with KV; the served configuration does not change.
    await submitChange(rt, results).catch((e) =>
      rt.log(`certs: recording the failure of ${name} failed: ${(e as Error).message}`)
    );
    throw new AgentError(
      "SSL_ISSUANCE_FAILED",
      `certbot could not issue certificate "${name}" (${want.domains.join(", ")}): ${msg}`,
      {
        name,
        domains: want.domains,
        certbot_output: msg,
        exit_code: r.code,
        failures: spec.failures,
        failures_left_this_hour: Math.max(0, MAX_FAILURES_PER_HOUR - spec.failures.length),
      },
    );
  }

  const after = await readCertInfo(st.exec, files.certificate);
  const shaAfter = await fileSha256(files.certificate);
  spec = {
    ...spec,
    last_attempt_at: at,
    last_success_at: at,
    failures: [],
    ...(shaAfter ? { sha256: shaAfter } : {}),
  };
  delete spec.last_error;
  spec.status = statusOf(spec, after, rt.store.now(), s.cert_renew_before_days);
  const previous = st.files.get(name);
  await refreshFiles(rt, name);
  const results = await writeSpec(rt, spec, opts.actor, "cert.issue");
  let change;
  try {
    change = await submitChange(rt, results);
  } catch (e) {
    // nginx refused the sites with the new files: keep rendering what it serves.
    if (previous) st.files.set(name, previous);
    else st.files.delete(name);
    throw e;
  }
  let apply = change.apply;
  // Same paths, new contents: the configuration did not change, nginx must still reload.
  if (
    shaAfter !== shaBefore && shaBefore !== null && apply && !apply.reloaded &&
    !rt.nginx.dryRun && (await rt.nginx.masterPid()) !== null &&
    (await sitesUsing(rt, name)).length > 0
  ) {
    const rl = await rt.reconciler.reloadNow();
    if (!rl.ok) {
      throw new AgentError(
        "NGINX_RELOAD_FAILED",
        `certificate "${name}" was renewed but nginx did not reload: ${rl.output}`,
        { name, nginx_output: rl.output },
      );
    }
    apply = { ...apply, reloaded: true };
  }
  return {
    ...(await viewOf(rt, change.record ?? (await rt.store.get(CERT_KIND, name))!)),
    created,
    certbot_ran: true,
    reason,
    apply,
  };
}

/**
 * Makes sure certificate `name` exists for `domains` and is served: the
 * contract other features (proxies) build on. Throws SSL_ISSUANCE_FAILED with
 * certbot's message on failure, leaving nginx as it was.
 */
export async function ensureCertificate(rt: CertsRuntime, req: CertRequest): Promise<IssueResult> {
  const want = parseCert(req.name, {
    domains: req.domains,
    ...(req.email ? { email: req.email } : {}),
  });
  const st = acmeOf(rt);
  return await withCertLock(
    st,
    want.name,
    () =>
      issueLocked(rt, want, {
        force: req.force_renew === true,
        actor: req.actor,
        ifMatch: req.ifMatch,
      }),
  );
}

/** Renews an existing certificate now (unforced: only when it is due). */
export async function renewCertificate(
  rt: CertsRuntime,
  name: string,
  opts: { force?: boolean; actor: string; scheduled?: boolean },
): Promise<IssueResult> {
  const st = acmeOf(rt);
  return await withCertLock(st, name, async () => {
    const rec = await rt.store.get(CERT_KIND, name) as CertRec | null;
    if (!rec) throw notFound(CERT_KIND, name);
    return await issueLocked(
      rt,
      { name, domains: rec.domains, ...(rec.email ? { email: rec.email } : {}) },
      { force: opts.force === true, actor: opts.actor, scheduled: opts.scheduled },
    );
  });
}

/** Removes a certificate no site uses: the record, and certbot's files for it. */
export async function deleteCertificate(
  rt: CertsRuntime,
  name: string,
  actor: string,
): Promise<{ deleted: true; apply: ApplyOutcome | null }> {
  const st = acmeOf(rt);
  return await withCertLock(st, name, async () => {
    const results = await writeChange(rt, async () => {
      const rec = await rt.store.get(CERT_KIND, name);
      if (!rec) throw notFound(CERT_KIND, name);
      const sites = await sitesUsing(rt, name);
      if (sites.length) {
        throw new AgentError(
          "CONFLICT",
          `certificate "${name}" is used by site(s) ${
            sites.join(", ")
          }: remove their tls.cert first`,
          { name, sites },
        );
      }
      return { ops: [{ type: "delete", kind: CERT_KIND, name }], actor, action: "cert.delete" };
    });
    st.files.delete(name);
    const change = await submitChange(rt, results);
    // `certbot delete` only removes local files (no revocation): a later rebuild-db
    // would otherwise bring the certificate back from them.
    const s = rt.settings;
    const fleet = fleetOf(rt);
    // In a fleet the nodes remove their copies when the artifact goes.
    await fleet?.etcd.delete(fleet.keys.artifact(name)).catch((e) =>
      rt.log(`certs: deleting artifacts/certs/${name} failed: ${(e as Error).message}`)
    );
    await st.certbotTurn.run(() =>
      st.exec.run([
        ...s.certbot_command.trim().split(/\s+/),
        "delete",
        "--cert-name",
        name,
        "--non-interactive",
        ...certbotDirs(s, fleet ? issuerDir(s) : s.certbot_dir),
      ], { timeoutMs: 60_000 })
    ).then((r) => {
      if (r.code !== 0 && !/No certificate found/i.test(r.stderr + r.stdout)) {
        rt.log(`certs: certbot delete ${name} failed: ${certbotMessage(r)}`);
      }
    });
    return { deleted: true, apply: change.apply };
  });
}
