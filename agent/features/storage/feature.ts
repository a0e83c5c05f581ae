// The storage feature: nanio (S3) pools' buckets. Bucket records, their sync
// job, promote/ignore/unroute/orphans/purge, http bucket routes, the routed
// buckets' locations (render extension) and the node config generator. Pool
// type, region, sealed credentials and source_nanio_pool are core pool fields.
import type { Feature } from "../../host.ts";
import { BUCKET_KIND, bucketKind } from "./bucket.ts";
import { STORAGE_SETTINGS } from "./settings.ts";
import { bucketRoutesExtension } from "./render.ts";
import { poolStorageDocs, poolStorageRouter, siteStorageDocs, siteStorageRouter } from "./api.ts";
import { bucketCommand, poolCommand } from "./cli.ts";
import { syncAll } from "./sync.ts";

export const storageFeature: Feature = {
  name: "storage",
  setup(host) {
    const h = host.settings(STORAGE_SETTINGS);
    h.kind(bucketKind);
    h.render(bucketRoutesExtension);
    h.route({ prefix: "sites/:name", make: siteStorageRouter, docs: siteStorageDocs });
    h.route({ prefix: "pools/:name", make: poolStorageRouter, docs: poolStorageDocs });
    h.job({
      name: "bucket-sync",
      oncePerFleet: true, // it writes the shared state: the fleet's controller runs it
      every: (rt) => rt.settings.bucket_sync_interval,
      firstAfterSeconds: 30,
      run: async (rt) => {
        await syncAll(rt);
      },
    });
    // The dashboard's unrouted count (and buckets routed to a pool that lacks them).
    h.status("buckets", async (rt) => {
      const all = await rt.store.list(BUCKET_KIND);
      return {
        total: all.length,
        unrouted: all.filter((b) => b.status === "unrouted").length,
        routed: all.filter((b) => b.status === "routed").length,
        routed_target_missing: all.filter((b) => b.routed_target_missing).length,
      };
    });
    h.command(bucketCommand, poolCommand);
  },
};
