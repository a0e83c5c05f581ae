// The storage render extension: routed buckets become locations of their site
// (agent/kinds/site/render-s3.ts prints them: two per bucket, the S3 proxy
// rules). Only the view changes; the stored site is untouched.
import { type RenderExtension, StateView } from "../../render/files.ts";
import type { BucketRoute } from "../../kinds/site/render-s3.ts";
import { BUCKET_KIND, type BucketSpec, isRouted } from "./bucket.ts";

export const bucketRoutesExtension: RenderExtension = {
  name: "storage-buckets",
  expand(view: StateView): StateView {
    const bySite = new Map<string, BucketRoute[]>();
    for (const b of view.ofKind<BucketSpec>(BUCKET_KIND)) {
      if (!isRouted(b) || !view.get("pool", b.routed_pool!)) continue;
      const list = bySite.get(b.site) ?? [];
      list.push({ bucket: b.bucket, pool: b.routed_pool!, ...(b.http ? { http: true } : {}) });
      bySite.set(b.site, list);
    }
    if (!bySite.size) return view;
    const records = new Map(view.records);
    for (const [site, routes] of bySite) {
      const s = view.get("site", site);
      if (!s) continue;
      routes.sort((a, b) => a.bucket < b.bucket ? -1 : 1);
      records.set(`site/${site}`, { ...s, bucket_routes: routes });
    }
    return new StateView(records);
  },
};
