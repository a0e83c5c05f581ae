// The site kind: one nginx server block with its routes. A site claims each
// (port, server name) it listens on, and needs the pools its routes name.
import type { Kind } from "../../kind.ts";
import { confFileName } from "../../render/files.ts";
import { siteView } from "./render.ts";
import { blame } from "../blame.ts";
import { parseSite, type Site, SiteSpecSchema } from "./schema.ts";

export type { Site } from "./schema.ts";
import { poolRefs, siteClaims } from "./refs.ts";
import { siteExamples } from "./examples.ts";
import { siteFromTree } from "./parse.ts";
import type { StateView } from "../../render/files.ts";
import type { BucketRoute, SiteStorage } from "./render-s3.ts";

/**
 * S3 rendering of a site: its default pool is nanio, or the storage feature's
 * render extension put bucket routes on it in the view (`bucket_routes`).
 */
function storageOf(s: Site, view: StateView): SiteStorage | undefined {
  const nanio = s.default_pool ? view.get("pool", s.default_pool)?.type === "nanio" : false;
  const buckets = (s as Site & { bucket_routes?: BucketRoute[] }).bucket_routes ?? [];
  return nanio || buckets.length ? { nanio, buckets } : undefined;
}

export const SITE_KIND = "site";

export const siteKind: Kind<Site> = {
  name: SITE_KIND,
  plural: "sites",
  schema: SiteSpecSchema,
  parse: parseSite,
  claims: siteClaims,
  describeClaim: (key, holder) =>
    key[0] === "server_name"
      ? {
        message: `server name ${key[2]} on port ${key[1]} is already claimed by ${
          holder.replace("/", " ")
        }`,
        detail: { field: "server_names", server_name: key[2], port: Number(key[1]) },
      }
      : undefined,
  refs: (s) => poolRefs(s).map((r) => ({ kind: "pool", name: r.pool, field: r.field })),
  links: (s) => s.tls?.cert ? [{ kind: "cert", name: s.tls.cert, field: "tls.cert" }] : [],
  render: (s, view, ctx) => ({
    name: confFileName(SITE_KIND, s.name),
    text: ctx.templates.render("server.conf.eta", { ...siteView(s, ctx, storageOf(s, view)) }),
    entity: blame(s, SITE_KIND),
  }),
  parseBack: siteFromTree,
  examples: siteExamples,
};
