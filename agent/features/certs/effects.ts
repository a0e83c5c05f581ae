// A certificate in a declarative file is written by the certs API's own code:
// ensureCertificate runs certbot when the certificate on disk is missing, for
// other names or due (and keeps the record's failure history, which rate-limits
// certbot); deleteCertificate also removes certbot's files.
import type { KindEffects } from "../../changes/effects.ts";
import { deleteCertificate, ensureCertificate } from "./issue.ts";
import type { CertsRuntime } from "./settings.ts";

export function certEffects(rt: CertsRuntime): KindEffects {
  return {
    write: {
      async put(name, spec, actor) {
        const r = await ensureCertificate(rt, {
          name,
          domains: spec.domains as string[],
          ...(typeof spec.email === "string" ? { email: spec.email } : {}),
          actor,
        });
        return r.certbot_ran ? `issued by certbot (${r.reason})` : `certbot not run: ${r.reason}`;
      },
      async delete(name, actor) {
        await deleteCertificate(rt, name, actor);
        return "deleted with its files";
      },
    },
  };
}
