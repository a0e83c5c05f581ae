// The store's name of a tenant's record, `<tenant>__<name>` (pure; the API's
// translation is agent/kinds/tenant-names.ts).
export const TENANT_SEP = "__";

export function qualified(tenant: string, name: string): string {
  return `${tenant}${TENANT_SEP}${name}`;
}

/** The tenant a qualified name belongs to, or null for a plain name. */
export function tenantPart(name: string): string | null {
  const i = name.indexOf(TENANT_SEP);
  return i > 0 ? name.slice(0, i) : null;
}

/** `text` as the tenant reads it: its own prefix gone wherever a name starts. */
export function stripTenant(text: string, tenant: string): string {
  return text.replace(new RegExp(`(?<![A-Za-z0-9_-])${tenant}${TENANT_SEP}(?=[a-z0-9])`, "g"), "");
}
