// /api/certs: managed certificates (ACME through certbot). PUT issues (or keeps
// a valid certificate), renew re-issues when due or forced, DELETE refuses while
// a site's tls.cert names the certificate.
import { Hono } from "hono";
import { z } from "zod";
import { CERT_KIND, CertInputSchema, parseCert } from "./model.ts";
import {
  deleteCertificate,
  ensureCertificate,
  getCertificate,
  type IssueResult,
  renewCertificate,
  viewOf,
} from "./issue.ts";
import { runRenewals } from "./renew-job.ts";
import { parseWith } from "../../model/validate.ts";
import { actor, ifMatch, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import type { Context } from "hono";
import type { CertsRuntime } from "./settings.ts";
import { listAnswer } from "../../api/list-query.ts";

/** The endpoints of this router, for /api/openapi.json. */
export const certsDocs = new ApiDoc();

const RenewSchema = z.strictObject({ force: z.boolean().default(false) });

certsDocs.schema("Certificate", CertInputSchema);
certsDocs.schema("CertificateRenew", RenewSchema);
certsDocs.describe("/api/certs", "get", {
  tag: "certs",
  summary: "List managed certificates with status, expiry, issuer and serial read from the files",
});
certsDocs.describe("/api/certs/{name}", "get", { tag: "certs", summary: "Get a certificate" });
certsDocs.describe("/api/certs/{name}", "put", {
  tag: "certs",
  summary:
    "Create or update a certificate and issue it with certbot unless a valid one for these domains is on disk (201 created, 200 updated; 502 SSL_ISSUANCE_FAILED). In a fleet, a node that is not the controller answers 202 accepted (status pending, issuer_node): the controller issues",
  body: "Certificate",
});
certsDocs.describe("/api/certs/{name}", "delete", {
  tag: "certs",
  summary: "Delete a certificate and its files (409 while a site's tls.cert names it)",
});
certsDocs.describe("/api/certs/{name}/renew", "post", {
  tag: "certs",
  summary:
    "Renew now: only when due (missing, other domains, expiring) unless force; in a fleet, 202 accepted on a node that is not the controller (the controller renews)",
  body: "CertificateRenew",
});
certsDocs.describe("/api/certs/renew", "post", {
  tag: "certs",
  summary: "Run the renewal job now for every certificate (what the daily job does)",
});

function respond(c: Context, r: IssueResult) {
  if (r.version !== undefined) c.header("ETag", `"${r.version}"`);
  // A fleet node other than the controller only asked the controller: accepted, not done.
  return c.json(r, r.accepted ? 202 : r.created ? 201 : 200);
}

export function certsRouter(rt: CertsRuntime): Hono {
  const r = new Hono();
  r.get("/", async (c) => {
    const recs = await rt.lists.list(CERT_KIND);
    return listAnswer(c, "certs", recs, (x) => viewOf(rt, x));
  });
  r.post("/renew", async (c) => c.json(await runRenewals(rt, actor(c))));
  r.get("/:name", async (c) => {
    const v = await getCertificate(rt, param(c, "name"));
    if (v.version !== undefined) c.header("ETag", `"${v.version}"`);
    return c.json(v);
  });
  r.put("/:name", async (c) => {
    const want = parseCert(param(c, "name"), await jsonBody(c));
    return respond(
      c,
      await ensureCertificate(rt, { ...want, actor: actor(c), ifMatch: ifMatch(c) }),
    );
  });
  r.post("/:name/renew", async (c) => {
    const body = parseWith(RenewSchema, await jsonBody(c));
    return respond(
      c,
      await renewCertificate(rt, param(c, "name"), { force: body.force, actor: actor(c) }),
    );
  });
  r.delete("/:name", async (c) => c.json(await deleteCertificate(rt, param(c, "name"), actor(c))));
  return r;
}
