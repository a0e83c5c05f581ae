// Tenants and tokens: tenants own domain suffixes; tokens carry a role and a
// tenant and expire. The auth layer resolves tokens into a principal, and one
// guard applies it to every /api request (see guard.ts).
import type { Feature } from "../../host.ts";
import { API_GUARD, TENANT_SCOPE, TOKEN_AUTH } from "../../api/principal.ts";
import { tenantKind } from "./kind.ts";
import { resolveToken } from "./tokens.ts";
import { tenantGuard, tenantScope } from "./guard.ts";
import { tenantsDocs, tenantsRouter, tokensDocs, tokensRouter } from "./api.ts";
import { tokenCommand } from "./cli.ts";

export const tenantsFeature: Feature = {
  name: "tenants",
  setup(host) {
    host.kind(tenantKind);
    host.provide(TOKEN_AUTH, (rt) => (secret: string) => resolveToken(rt, secret));
    host.provide(API_GUARD, tenantGuard);
    host.provide(TENANT_SCOPE, (rt) => (name, state) => tenantScope(rt, name, state));
    host.route({ prefix: "tenants", make: tenantsRouter, docs: tenantsDocs });
    host.route({ prefix: "tokens", make: tokensRouter, docs: tokensDocs });
    host.command(tokenCommand);
  },
};
