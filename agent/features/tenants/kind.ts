// The tenant kind: a name owning domain suffixes. "*.tenant-a.example" covers
// every name under it, "tenant-a.example" that name alone. A suffix belongs to
// one tenant (a claim), and a tenant token may only serve names it covers.
import { z } from "zod";
import type { Kind } from "../../kind.ts";
import { isHostname, slug } from "../../model/grammar.ts";
import { grammar, parseWith } from "../../model/validate.ts";
import { invalid } from "../../errors.ts";
import { recordMeta } from "../../model/record.ts";

export const TENANT_KIND = "tenant";

const suffix = (v: string) => {
  if (v !== v.toLowerCase()) return "must be lower case";
  return isHostname(v.startsWith("*.") ? v.slice(2) : v)
    ? null
    : "must be a domain (tenant-a.example) or a wildcard (*.tenant-a.example)";
};

export const TenantSchema = z.strictObject({
  name: grammar(slug, 63).optional(),
  description: z.string().max(1024).default(""),
  domains: z.array(grammar(suffix, 253)).min(1).max(100),
  ...recordMeta,
});

export type Tenant = { name: string; description: string; domains: string[] };

export function parseTenant(name: string, body: unknown): Tenant {
  const why = slug(name);
  if (why) throw invalid("name", why);
  const t = parseWith(TenantSchema, body);
  if (t.name !== undefined && t.name !== name) {
    throw invalid("name", `body name "${t.name}" does not match the URL name "${name}"`);
  }
  const seen = new Set<string>();
  t.domains.forEach((d, i) => {
    if (seen.has(d)) throw invalid(`domains[${i}]`, `duplicate domain ${d}`);
    seen.add(d);
  });
  return { name, description: t.description, domains: t.domains };
}

/** Whether a server name is one of the tenant's ("*.x" covers names under x, "x" only x). */
export function covers(domains: readonly string[], serverName: string): boolean {
  const n = serverName.replace(/^\*\./, "").replace(/^\./, "");
  return domains.some((d) =>
    d.startsWith("*.") ? n.endsWith(d.slice(1)) && n.length > d.length - 1 : n === d
  );
}

export const tenantKind: Kind<Tenant> = {
  name: TENANT_KIND,
  plural: "tenants",
  schema: TenantSchema,
  parse: parseTenant,
  claims: (t) => t.domains.map((d) => ["tenant_domain", d]),
  describeClaim: (key, holder) =>
    key[0] === "tenant_domain"
      ? {
        message: `domain ${key[1]} already belongs to ${holder.replace("/", " ")}`,
        detail: { field: "domains" },
      }
      : undefined,
  examples: () => [
    parseTenant("tenant-a", { domains: ["tenant-a.example", "*.tenant-a.example"] }),
  ],
};
