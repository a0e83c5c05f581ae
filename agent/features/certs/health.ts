// The "certificates" section of GET /api/health: degraded while any
// certificate failed its last attempt or has expired.
import { CERT_KIND } from "./model.ts";
import { viewOf } from "./issue.ts";
import type { CertsRuntime } from "./settings.ts";

export async function certificatesHealth(rt: CertsRuntime) {
  const views = await Promise.all((await rt.store.list(CERT_KIND)).map((r) => viewOf(rt, r)));
  const named = (status: string) => views.filter((v) => v.status === status).map((v) => v.name);
  const failed = named("failed");
  const expired = named("expired");
  return {
    name: "certificates",
    value: {
      count: views.length,
      active: named("active").length,
      pending: named("pending"),
      expiring_soon: named("expiring"),
      expired,
      failed,
      failed_renewals: failed.length,
      last_errors: Object.fromEntries(
        views.filter((v) => v.last_error).map((v) => [v.name, v.last_error]),
      ),
    },
    degraded: failed.length > 0 || expired.length > 0,
    reasons: views.filter((v) => v.status === "failed" || v.status === "expired").map((v) => ({
      message: `certificate ${v.name} ${v.status === "failed" ? "failed" : "has expired"}${
        v.last_error ? `: ${v.last_error}` : ""
      }`,
      link: `#/certs/edit/${v.name}`,
      degraded: true,
    })),
  };
}
