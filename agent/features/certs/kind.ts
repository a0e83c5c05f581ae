// The cert kind: a managed certificate record. It renders nothing itself (the
// sites whose tls.cert names it serve its files); its state fields are the agent's.
import type { Kind } from "../../kind.ts";
import { CERT_KIND, CertInputSchema, type CertSpec, parseCert } from "./model.ts";

export const certKind: Kind<CertSpec> = {
  name: CERT_KIND,
  plural: "certs",
  schema: CertInputSchema,
  parse: (name, body) => ({ ...parseCert(name, body), status: "pending", failures: [] }),
  examples: () => [
    { name: "shop", domains: ["shop.example.com"], status: "pending", failures: [] },
    {
      name: "multi",
      domains: ["a.example.com", "b.example.com"],
      email: "ops@example.com",
      status: "active",
      failures: [],
      sha256: "0".repeat(64),
    },
  ],
};
