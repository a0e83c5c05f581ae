// ACME HTTP-01 for names no site serves yet: a server on the HTTP port naming
// exactly those domains and answering only the challenge path. Names a site
// serves (exactly or by wildcard) are left out: the site answers challenges
// itself, and an exact name here would take its traffic.
import type { RenderExtension } from "../../render/tree.ts";
import { acmeLocation } from "../../kinds/site/render.ts";
import { CERT_KIND, type CertSpec } from "./model.ts";
import type { SiteSpec } from "../../kinds/site/schema.ts";

export const CHALLENGE_FILE = "zz-acme-challenge.conf";

/** Whether a site's server_name covers a domain (exact, `*.suffix` or `.suffix`). */
export function coveredBy(names: string[], domain: string): boolean {
  return names.some((n) => {
    if (n === domain) return true;
    if (n.startsWith("*.")) return domain.endsWith(n.slice(1)) && domain.length > n.length - 1;
    if (n.startsWith(".")) return domain === n.slice(1) || domain.endsWith(n);
    return false;
  });
}

export const challengeExtension: RenderExtension = {
  name: "acme-challenge",
  files(view, ctx) {
    const siteNames = view.ofKind<SiteSpec>("site").flatMap((s) => s.server_names);
    const domains = [
      ...new Set(view.ofKind<CertSpec>(CERT_KIND).flatMap((c) => c.domains ?? [])),
    ].filter((d) => !coveredBy(siteNames, d)).sort();
    if (domains.length === 0) return [];
    const host = ctx.bind_address
      ? (ctx.bind_address.includes(":") ? `[${ctx.bind_address}]:` : `${ctx.bind_address}:`)
      : "";
    const loc = acmeLocation(ctx);
    const text = [
      "# Managed by switchyard (certificates): ACME HTTP-01 challenges for certificate",
      "# names no site serves yet.",
      "server {",
      `    listen ${host}${ctx.http_port};`,
      `    server_name ${domains.join(" ")};`,
      `    location ${loc.match} {`,
      ...loc.directives.map((d) => `        ${d}`),
      "    }",
      "    location / {",
      "        return 404;",
      "    }",
      "}",
      "",
    ].join("\n");
    return [{ name: CHALLENGE_FILE, text }];
  },
};
