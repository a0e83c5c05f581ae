// `agent cert ls|show|issue|renew|rm`: managed certificates through the API
// (the running agent, or in-process when none runs).
import type { CliIO, Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function line(c: Json): string {
  const until = c.not_after ? ` until ${c.not_after.slice(0, 10)}` : "";
  const err = c.last_error ? `  last error: ${String(c.last_error).split("\n")[0]}` : "";
  return `${c.name.padEnd(20)} ${c.status.padEnd(9)} ${c.domains.join(",")}${until}${err}`;
}

function details(io: CliIO, c: Json) {
  io.out(`name:      ${c.name}`);
  io.out(`status:    ${c.status}`);
  io.out(`domains:   ${c.domains.join(", ")}`);
  if (c.email) io.out(`email:     ${c.email}`);
  if (c.not_after) io.out(`expires:   ${c.not_after} (issued ${c.not_before})`);
  if (c.issuer) io.out(`issuer:    ${c.issuer}`);
  if (c.serial) io.out(`serial:    ${c.serial}`);
  if (c.files) io.out(`files:     ${c.files.certificate}, ${c.files.key}`);
  io.out(`sites:     ${c.sites?.length ? c.sites.join(", ") : "-"}`);
  if (c.last_success_at) io.out(`issued at: ${c.last_success_at}`);
  if (c.failures?.length) io.out(`failures:  ${c.failures.length} in the last hour`);
  if (c.next_attempt_after) io.out(`next attempt after: ${c.next_attempt_after}`);
  if (c.last_error) {
    io.out("last error:");
    io.out(String(c.last_error).split("\n").map((l: string) => `  | ${l}`).join("\n"));
  }
  if (c.reason) io.out(`${c.certbot_ran ? "issued" : "kept"}: ${c.reason}`);
}

export const certCommand: Command = {
  name: "cert",
  summary: "managed certificates: ls, show, issue, renew, rm",
  usage: "cert ls | show NAME | issue NAME DOMAIN... [--email E] | renew NAME [--force] | rm NAME",
  help: `Managed certificates, issued by certbot (webroot) from the ACME server in
acme_directory_url. A site serves one when its tls.cert names it.

  agent cert ls                                   status, domains, expiry
  agent cert show web                             everything about one certificate
  agent cert issue web example.com www.example.com --email ops@example.com
  agent cert renew web [--force]                  renew now (only when due unless --force)
  agent cert rm web                               refused while a site uses it`,
  flags: [
    { name: "email", value: true, help: "account email for issue (default: acme_email)" },
    { name: "force", value: false, help: "renew: re-issue even a valid certificate" },
  ],
  async run(args, io) {
    const [verb = "ls", name, ...rest] = args.positionals;
    const path = (n: string) => `/api/certs/${encodeURIComponent(n)}`;
    const need = (u: string) => {
      if (!name) throw new UsageError(`usage: agent cert ${u}`);
      return name;
    };
    switch (verb) {
      case "ls":
      case "list":
        return await apiCall(args, io, "GET", "/api/certs", undefined, (b) => {
          if (!b.certs.length) io.out("no certificates");
          for (const c of b.certs) io.out(line(c));
        });
      case "show":
        return await apiCall(
          args,
          io,
          "GET",
          path(need("show NAME")),
          undefined,
          (b) => details(io, b),
        );
      case "issue": {
        const n = need("issue NAME DOMAIN... [--email E]");
        if (!rest.length) {
          throw new UsageError("usage: agent cert issue NAME DOMAIN... [--email E]");
        }
        const body = {
          domains: rest,
          ...(typeof args.flags.email === "string" ? { email: args.flags.email } : {}),
        };
        return await apiCall(args, io, "PUT", path(n), body, (b) => details(io, b));
      }
      case "renew": {
        const n = need("renew NAME [--force]");
        return await apiCall(args, io, "POST", `${path(n)}/renew`, {
          force: args.flags.force === true,
        }, (b) => details(io, b));
      }
      case "rm":
      case "delete":
        return await apiCall(
          args,
          io,
          "DELETE",
          path(need("rm NAME")),
          undefined,
          () => io.out(`certificate ${name} deleted`),
        );
      default:
        throw new UsageError(`unknown cert action "${verb}" (ls, show, issue, renew, rm)`);
    }
  },
};

export const certCommands: Command[] = [certCommand];
