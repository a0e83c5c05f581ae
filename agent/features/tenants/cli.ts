// `agent token create | list | revoke` (tenants are `agent tenants ...`, the
// generic resource command of the tenant kind).
import type { Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";

export const tokenCommand: Command = {
  name: "token",
  summary: "create, list or revoke API tokens (scoped to a tenant and a role, expiring)",
  usage: "token [create --role R [--tenant T] [--expires 30d] [--name ci] | list | revoke ID]",
  help: `Tokens are shown once at creation and stored hashed.
  agent token create --tenant tenant-a --role operator --expires 30d --name ci
  agent token list
  agent token revoke 3f2a9c01b7de
Roles: viewer reads, operator writes within its tenant, admin is everything (tenants, tokens, settings).`,
  flags: [
    { name: "tenant", value: true, help: "create: the tenant the token acts for" },
    { name: "role", value: true, help: "create: viewer, operator or admin" },
    {
      name: "expires",
      value: true,
      help: "create: lifetime (30d, 12h, 90m, seconds); default: none",
    },
    { name: "name", value: true, help: "create: a name that audit entries show (default: token)" },
  ],
  async run(args, io) {
    const [verb = "list", id] = args.positionals;
    if (verb === "list") {
      return await apiCall(args, io, "GET", "/api/tokens", undefined, (b) => {
        for (const t of b.tokens) {
          io.out(
            `${t.id}  ${t.name}  ${t.role}  tenant=${t.tenant ?? "*"}  ${t.status}  expires=${
              t.expires_at ?? "never"
            }`,
          );
        }
      });
    }
    if (verb === "create") {
      const f = args.flags;
      const body = {
        role: f.role,
        ...(f.tenant ? { tenant: f.tenant } : {}),
        ...(f.expires ? { expires: f.expires } : {}),
        ...(f.name ? { name: f.name } : {}),
      };
      return await apiCall(args, io, "POST", "/api/tokens", body, (b) => {
        io.out(b.token);
        io.err(
          `token ${b.name} (${b.id}), role ${b.role}, tenant ${b.tenant ?? "*"}, expires ${
            b.expires_at ?? "never"
          }: shown once, store it now`,
        );
      });
    }
    if (verb === "revoke") {
      if (!id) throw new UsageError("usage: agent token revoke ID");
      return await apiCall(
        args,
        io,
        "DELETE",
        `/api/tokens/${encodeURIComponent(id)}`,
        undefined,
        (b) => io.out(`revoked ${b.name} (${b.id})`),
      );
    }
    throw new UsageError(`unknown token action "${verb}"`);
  },
};
