// CLI of the proxies feature: `agent proxy ls|show|put|rm|ssl|sync`. Every change
// goes through the API (the running agent, or in-process when none runs).
import { requestOnce } from "../../cli/client.ts";
import type { CliIO, Command, Parsed } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { printError } from "../../cli/api-commands.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function call(
  args: Parsed,
  io: CliIO,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ code: number; body: Json }> {
  const r = await requestOnce(io, args.flags, method, path, body);
  if (r.status >= 400) {
    const code = printError(io, r.status, r.body);
    const d = (r.body as Json)?.error?.detail;
    if (d?.proxy?.url) io.err(`  the proxy serves ${d.proxy.url}`);
    return { code, body: r.body };
  }
  return { code: 0, body: r.body };
}

function line(p: Json): string {
  const ssl = p.enable_ssl ? (p.ssl_enabled ? "https" : "https pending") : "http";
  const up = `${
    String(p.upstream_host).includes(":") ? `[${p.upstream_host}]` : p.upstream_host
  }:${p.upstream_port}`;
  return `${p.name.padEnd(20)} ${String(p.status).padEnd(8)} ${
    ssl.padEnd(13)
  } ${p.domain} -> ${up}`;
}

function show(io: CliIO, p: Json) {
  io.out(line(p));
  io.out(`  url: ${p.url}`);
  io.out(`  health: ${p.health_path}${p.require_healthy ? " (required)" : " (not required)"}`);
  if (p.apply) {
    io.out(
      `  apply: ${p.apply.status}${
        p.apply.generation != null ? `, generation ${p.apply.generation}` : ""
      }${p.apply.reloaded ? ", nginx reloaded" : ""}`,
    );
  }
  if (p.certificate) {
    const c = p.certificate;
    io.out(
      `  certificate: ${c.status}${c.not_after ? `, valid until ${c.not_after}` : ""}${
        c.reason ? ` (${c.reason})` : ""
      }`,
    );
  }
}

const USAGE = `proxy ls
       agent proxy show NAME
       agent proxy put NAME --domain D --host H --port P [--health-path P] [--no-require-healthy] [--ssl] [--email E]
       agent proxy rm NAME
       agent proxy ssl NAME [--email E] [--force]
       agent proxy sync [--url U | --file F]`;

export const proxyCommand: Command = {
  name: "proxy",
  summary: "proxies: a domain in front of an upstream host:port (ls, show, put, rm, ssl, sync)",
  usage: USAGE,
  help: `Proxies put one domain in front of one upstream (a site plus a one-member pool
owned by the proxy). put checks the upstream's health path first unless
--no-require-healthy, then verifies the domain through nginx after the reload
and rolls back if nginx cannot reach the upstream. --ssl (or \`proxy ssl\`) issues
the proxy's certificate through ACME; if that fails the proxy keeps serving HTTP.
sync creates or updates proxies from a registry (JSON services, or a projrouter
registry.toml) in one reload; without --url/--file it reads the setting registry_url.`,
  flags: [
    { name: "domain", value: true, help: "put: the domain (server name)" },
    { name: "host", value: true, help: "put: upstream host (IP address or host name)" },
    { name: "port", value: true, help: "put: upstream port" },
    { name: "health-path", value: true, help: "put: upstream health path (default /health)" },
    { name: "no-require-healthy", value: false, help: "put: do not check the upstream first" },
    { name: "ssl", value: false, help: "put: enable HTTPS (issue the certificate)" },
    { name: "email", value: true, help: "put, ssl: ACME account email" },
    { name: "force", value: false, help: "ssl: re-issue even a valid certificate" },
    { name: "url", value: true, help: "sync: registry URL (JSON, or .toml)" },
    { name: "file", value: true, help: "sync: registry file (JSON or registry.toml)" },
  ],
  async run(args, io) {
    const [sub, name, ...rest] = args.positionals;
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const json = args.flags.json === true;
    const need = () => {
      if (!name) throw new UsageError(`usage: agent proxy ${sub} NAME`);
      return `/api/proxies/${encodeURIComponent(name)}`;
    };
    const done = (r: { code: number; body: Json }, print: (b: Json) => void) => {
      if (r.code === 0) json ? io.out(JSON.stringify(r.body, null, 2)) : print(r.body);
      return r.code;
    };
    switch (sub) {
      case "ls":
      case undefined: {
        const r = await call(args, io, "GET", "/api/proxies");
        return done(r, (b) => {
          if (!b.proxies.length) io.out("no proxies");
          for (const p of b.proxies) io.out(line(p));
        });
      }
      case "show":
        return done(await call(args, io, "GET", need()), (b) => show(io, b));
      case "put": {
        const path = need();
        const port = /^\d+$/.test(String(args.flags.port ?? "")) ? Number(args.flags.port) : NaN;
        if (!args.flags.domain || !args.flags.host || !Number.isInteger(port)) {
          throw new UsageError("usage: agent proxy put NAME --domain D --host H --port P");
        }
        const body: Record<string, unknown> = {
          domain: args.flags.domain,
          upstream_host: args.flags.host,
          upstream_port: port,
          require_healthy: args.flags["no-require-healthy"] !== true,
          enable_ssl: args.flags.ssl === true,
        };
        if (args.flags["health-path"] !== undefined) body.health_path = args.flags["health-path"];
        if (args.flags.email !== undefined) body.email = args.flags.email;
        return done(await call(args, io, "PUT", path, body), (b) => show(io, b));
      }
      case "rm":
        return done(await call(args, io, "DELETE", need()), () => io.out(`deleted proxy ${name}`));
      case "ssl": {
        const body: Record<string, unknown> = { force_renew: args.flags.force === true };
        if (args.flags.email !== undefined) body.email = args.flags.email;
        return done(await call(args, io, "POST", `${need()}/ssl`, body), (b) => show(io, b));
      }
      case "sync": {
        const body: Record<string, unknown> = {};
        if (args.flags.url !== undefined) body.url = args.flags.url;
        if (args.flags.file !== undefined) body.file = args.flags.file;
        const r = await call(args, io, "POST", "/api/proxies/sync-from-registry", body);
        return done(r, (b) => {
          io.out(
            `${b.synced_count} synced (${b.created.length} created, ${b.updated.length} updated, ` +
              `${b.unchanged.length} unchanged), ${b.skipped_count} skipped; apply: ${b.apply.status}`,
          );
          for (const s of b.skipped) io.out(`  skipped ${s.name}: ${s.reason}`);
        });
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}": ls, show, put, rm, ssl, sync`);
    }
  },
};

export const proxyCommands: Command[] = [proxyCommand];
