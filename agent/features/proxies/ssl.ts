// HTTPS for a proxy: its site names the managed certificate called like the
// proxy (tls.cert), and the ACME feature issues it (certbot, webroot). Until the
// certificate exists, or when issuance fails, the proxy keeps serving plain HTTP.
import { z } from "zod";
import { AgentError } from "../../errors.ts";
import { ensureCertificate, type IssueResult } from "../certs/issue.ts";
import { PROXY_KIND, type ProxySpec } from "./model.ts";
import { parseWith } from "../../model/validate.ts";
import { specOf } from "../../store/store.ts";
import { proxyNotFound, proxyOps, storeLookup } from "./changes.ts";
import { submitChange, writeChange } from "../../changes/apply.ts";
import type { ApplyOutcome } from "../../nginx/reconciler.ts";
import { proxyView } from "./view.ts";
import type { ProxiesRuntime } from "./settings.ts";
import { proxyKind } from "./kind.ts";

export const SslRequestSchema = z.strictObject({
  email: z.string().max(320).optional(),
  force_renew: z.boolean().default(false),
});

/** Issues (or keeps) the proxy's certificate; SSL_ISSUANCE_FAILED says what still serves. */
export async function issueProxyCertificate(
  rt: ProxiesRuntime,
  p: ProxySpec,
  opts: { email?: string; force_renew?: boolean; actor: string },
): Promise<IssueResult> {
  try {
    return await ensureCertificate(rt, {
      name: p.name,
      domains: [p.domain],
      ...(opts.email ?? p.email ? { email: opts.email ?? p.email } : {}),
      force_renew: opts.force_renew === true,
      actor: opts.actor,
    });
  } catch (e) {
    if (!(e instanceof AgentError) || e.code !== "SSL_ISSUANCE_FAILED") throw e;
    const rec = await rt.store.get(PROXY_KIND, p.name);
    const view = rec ? proxyView(rt, rec) : null;
    const serving = view?.ssl_enabled
      ? `it keeps serving HTTPS with the certificate it had (${view.url})`
      : `it keeps serving plain HTTP (${view?.url ?? `http://${p.domain}/`})`;
    throw new AgentError("SSL_ISSUANCE_FAILED", `${e.message}. Proxy "${p.name}": ${serving}`, {
      ...e.detail,
      proxy: view,
      serving: view?.ssl_enabled ? "https" : "http",
    });
  }
}

/** POST /api/proxies/{name}/ssl: turns enable_ssl on (if off), then issues. */
export async function enableProxySsl(
  rt: ProxiesRuntime,
  name: string,
  body: unknown,
  actor: string,
): Promise<
  { proxy: Record<string, unknown>; certificate: IssueResult; apply: ApplyOutcome | null }
> {
  const req = parseWith(SslRequestSchema, body);
  const cur = await rt.store.get(proxyKind, name);
  if (!cur) throw proxyNotFound(name);
  let p = specOf(cur);
  if (req.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(req.email)) {
    throw new AgentError("VALIDATION_FAILED", "email: must be an e-mail address", {
      field: "email",
    });
  }
  let apply: ApplyOutcome | null = null;
  if (!p.enable_ssl || (req.email !== undefined && req.email !== p.email)) {
    p = { ...p, enable_ssl: true, ...(req.email !== undefined ? { email: req.email } : {}) };
    const next = p;
    const results = await writeChange(rt, async () => ({
      ops: await proxyOps(storeLookup(rt), next, rt.settings),
      actor,
      action: "proxy.ssl",
    }));
    apply = (await submitChange(rt, results, 0)).apply;
  }
  const certificate = await issueProxyCertificate(rt, p, {
    email: req.email,
    force_renew: req.force_renew,
    actor,
  });
  const rec = (await rt.store.get(PROXY_KIND, name))!;
  return { proxy: proxyView(rt, rec), certificate, apply };
}
