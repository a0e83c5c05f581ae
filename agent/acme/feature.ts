// The certificates feature: ACME certificates through certbot (webroot), served
// by every site whose tls.cert names them, renewed by a daily job.
import type { Feature } from "../features.ts";
import type { Exec } from "../exec.ts";
import { Scheduler } from "../scheduler/scheduler.ts";
import { registerRebuildSource } from "../resilience/rebuild.ts";
import { certsRouter } from "../api/certs.ts";
import { certCommands } from "../cli/certs.ts";
import { acmeOf, refreshAllFiles } from "./state.ts";
import { challengeExtension } from "./challenge.ts";
import { certificatesHealth } from "./health.ts";
import { runRenewals } from "./renew-job.ts";
import { certRebuildSource } from "./rebuild-source.ts";

export interface CertsFeatureOptions {
  /** Runs certbot and openssl (tests pass a recording Exec); default: a real one. */
  exec?: Exec;
}

registerRebuildSource(certRebuildSource);

export function makeCertsFeature(opts: CertsFeatureOptions = {}): Feature {
  return {
    name: "certificates",
    extensions: [challengeExtension],
    mounts: [["certs", certsRouter]],
    health: [certificatesHealth],
    async init(rt) {
      acmeOf(rt, opts.exec);
      await Deno.mkdir(`${rt.settings.acme_webroot}/.well-known/acme-challenge`, {
        recursive: true,
      });
      await refreshAllFiles(rt);
    },
    start(rt) {
      const s = new Scheduler(rt.log);
      s.every("certificates", rt.settings.cert_renew_interval, async () => {
        await runRenewals(rt);
      }, { firstAfterSeconds: 60 });
      s.start();
      return Promise.resolve(async () => {
        await s.stop();
      });
    },
    get commands() {
      return certCommands;
    },
  };
}

export const certsFeature: Feature = makeCertsFeature();
