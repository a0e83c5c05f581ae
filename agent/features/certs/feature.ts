// The certificates feature: ACME certificates through certbot (webroot), served
// by every site whose tls.cert names them, renewed by a daily job. In a fleet
// (store = etcd) the controller issues and renews (HTTP-01 through etcd, see
// fleet-hook.ts) and every node installs what it issued (fleet-sync.ts).
import type { Feature } from "../../host.ts";
import type { Exec } from "../../exec.ts";
import { CERT_FILES } from "../../runtime.ts";
import { certKind } from "./kind.ts";
import { CERT_KIND } from "./model.ts";
import { certEffects } from "./effects.ts";
import { kindEffects } from "../../changes/effects.ts";
import { certsDocs, certsRouter } from "./api.ts";
import { certCommands } from "./cli.ts";
import { ACME, newAcmeState, refreshAllFiles } from "./state.ts";
import { challengeExtension } from "./challenge.ts";
import { certificatesHealth } from "./health.ts";
import { runRenewals } from "./renew-job.ts";
import { certRebuildSource } from "./rebuild-source.ts";
import { CERTS_SETTINGS } from "./settings.ts";
import { acmeCommand } from "./acme-cli.ts";
import { fleetOf } from "./fleet-issue.ts";
import { startFleetSync } from "./fleet-sync.ts";

export interface CertsFeatureOptions {
  /** Runs certbot and openssl (tests pass a recording Exec); default: a real one. */
  exec?: Exec;
}

export function makeCertsFeature(opts: CertsFeatureOptions = {}): Feature {
  return {
    name: "certificates",
    setup(host) {
      const h = host.settings(CERTS_SETTINGS);
      h.kind(certKind);
      h.render(challengeExtension);
      h.route({ prefix: "certs", make: certsRouter, docs: certsDocs });
      h.health(certificatesHealth);
      h.rebuildSource(certRebuildSource);
      h.provide(ACME, (rt) => newAcmeState(opts.exec, rt.debug));
      h.provide(kindEffects(CERT_KIND), certEffects);
      // Sites naming a managed certificate render with its files once they exist.
      h.provide(CERT_FILES, (rt) => (name: string) => rt.use(ACME).files.get(name) ?? null);
      h.init(async (rt) => {
        await Deno.mkdir(`${rt.settings.acme_webroot}/.well-known/acme-challenge`, {
          recursive: true,
        });
        await refreshAllFiles(rt);
      });
      h.job({
        name: "certificates",
        every: (rt) => rt.settings.cert_renew_interval,
        firstAfterSeconds: 60,
        oncePerFleet: true, // in a fleet the controller issues and renews for every node
        run: async (rt) => {
          await runRenewals(rt);
        },
      });
      // In a fleet: challenges, certificates and other nodes' requests through etcd.
      h.start((rt) => {
        const link = fleetOf(rt);
        return Promise.resolve(link ? startFleetSync(rt, link) : async () => {});
      });
      h.command(...certCommands, acmeCommand);
    },
  };
}

export const certsFeature: Feature = makeCertsFeature();
