// Expiring entities: sites, routes and proxies with `expires_at` (or `ttl`)
// are removed by one job through the normal pipeline; GET /api/config/status
// lists what will expire with its remaining time.
import type { Feature } from "../../host.ts";
import { EXPIRY_SETTINGS } from "./settings.ts";
import { expiring, sweepExpired } from "./sweep.ts";

export const expiryFeature: Feature = {
  name: "expiry",
  setup(host) {
    const h = host.settings(EXPIRY_SETTINGS);
    h.job({
      name: "expiry",
      oncePerFleet: true, // it writes the shared state: the fleet's controller runs it
      every: (rt) => rt.settings.expiry_interval,
      firstAfterSeconds: 1,
      run: async (rt) => {
        await sweepExpired(rt);
      },
    });
    h.status("expiring", expiring);
  },
};
