// GET /metrics as a tenant's token reads it: only the samples about its own
// pools and certificates, under the names it knows them by; what is the host's
// (applies, API requests, jobs, drift) is left out.
import type { Family } from "./text-format.ts";
import type { Rec } from "../../store/store.ts";
import { stripTenant } from "../../model/tenant-name.ts";

/** The label that names an entity of a kind. */
const ENTITY_LABELS: Record<string, string> = { pool: "pool", cert: "cert" };

export function tenantFamilies(
  families: readonly Family[],
  tenant: string,
  records: ReadonlyMap<string, Rec>,
): Family[] {
  const own = (kind: string, name: string) => records.get(`${kind}/${name}`)?.tenant === tenant;
  const out: Family[] = [];
  for (const f of families) {
    const samples = f.samples.filter(([labels]) =>
      Object.entries(ENTITY_LABELS).some(([kind, label]) =>
        typeof labels[label] === "string" && own(kind, labels[label])
      )
    ).map(([labels, ...rest]) =>
      [
        Object.fromEntries(
          Object.entries(labels).map(([k, v]) => [k, stripTenant(String(v), tenant)]),
        ),
        ...rest,
      ] as Family["samples"][number]
    );
    if (samples.length) out.push({ ...f, samples });
  }
  return out;
}
