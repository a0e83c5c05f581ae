// `agent serve`: the API, the web UI and the background jobs.
import { loadSettings } from "../settings.ts";
import { buildAgent } from "../bootstrap.ts";
import { acquireLock } from "./lock.ts";
import { baseUrl } from "./client.ts";
import type { Command } from "./command.ts";
import { includeLine } from "../nginx/test-config.ts";
import { VERSION } from "../version.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "run the agent: API, web UI and schedulers",
  usage: "serve [--dev] [--config FILE] [--listen ADDR]",
  help: `Runs the agent until SIGINT/SIGTERM.

With --dev, state lives in ./dev-data and, when nginx is installed, the agent
starts and owns a private nginx on 127.0.0.1 (port AGENT_DEV_HTTP_PORT, default
8080); without nginx it runs with nginx commands in dry-run and says so.`,
  flags: [{
    name: "listen",
    value: true,
    help: "API and UI address host:port (default 127.0.0.1:8100)",
  }],
  async run(args, io) {
    const dev = args.flags.dev === true;
    const settings = await loadSettings({
      dev,
      configFile: args.flags.config as string | undefined,
      overrides: args.flags.listen ? { listen: args.flags.listen } : undefined,
    });
    const lock = await acquireLock(settings.data_dir, 3000);
    // Listen for signals before anything starts (the private nginx, the backends):
    // a SIGTERM that arrives mid-start must still stop what was started.
    const { promise: stopSignal, resolve: onSignal } = Promise.withResolvers<void>();
    let stopping = false;
    const handler = () => {
      stopping = true;
      onSignal();
    };
    Deno.addSignalListener("SIGINT", handler);
    Deno.addSignalListener("SIGTERM", handler);
    // rt.log carries operational (info) messages; log_level warn or error silences them.
    const verbose = settings.log_level === "debug" || settings.log_level === "info";
    const agent = await buildAgent(settings, {
      privateNginx: dev,
      log: (m) => verbose && io.err(`[agent] ${m}`),
    });
    const { rt } = agent;
    const hostname = settings.listen.slice(0, settings.listen.lastIndexOf(":")).replace(
      /^\[|\]$/g,
      "",
    );
    const port = Number(settings.listen.slice(settings.listen.lastIndexOf(":") + 1));
    const ac = new AbortController();
    const server = Deno.serve(
      { hostname, port, signal: ac.signal, onListen: () => {} },
      agent.app.fetch,
    );
    const url = baseUrl(settings.listen);
    io.out(`Switchyard agent ${VERSION}${dev ? " (dev mode)" : ""}`);
    io.out(`  API and web UI: ${url}/`);
    io.out(`  API key:        ${rt.apiKey}`);
    io.out(`  state:          ${settings.data_dir}`);
    io.out(
      `  nginx:          ${
        rt.nginx.dryRun
          ? "not installed: dry-run"
          : `${rt.nginxVersion ?? "?"}, ${
            rt.privateNginx
              ? `private instance on ${settings.bind_address}:${settings.http_port}`
              : settings.nginx_conf
          }`
      }`,
    );
    io.out(`  nginx.conf must contain (inside http {}): ${includeLine(settings.nginx_dir)}`);
    io.out(`  try:            curl -H 'X-Agent-Key: ${rt.apiKey}' ${url}/api/config/status`);
    for (const w of rt.warnings) io.out(`  warning: ${w}`);
    if (!stopping) await agent.startJobs();
    // Pending changes, and settings changed while stopped (ports, paths), go live now.
    if (!stopping && settings.apply_mode === "auto") {
      rt.reconciler.rerender().then(
        (o) => o.status !== "unchanged" && rt.log(`startup apply: ${o.status}`),
        (e) => io.err(`[agent] startup apply failed: ${e.message}`),
      );
    }
    const stop = async () => {
      io.err("[agent] shutting down");
      ac.abort();
      await server.finished.catch(() => {});
      await agent.close();
      await lock.release();
    };
    await stopSignal;
    await stop();
    Deno.removeSignalListener("SIGINT", handler);
    Deno.removeSignalListener("SIGTERM", handler);
    return 0;
  },
};
