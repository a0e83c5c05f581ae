// `agent serve`: the API, the web UI and the background jobs.
import { acquireLock } from "./lock.ts";
import { baseUrl } from "./client.ts";
import { cliOf, type Command } from "./command.ts";
import { includeLine } from "../nginx/test-config.ts";
import { VERSION } from "../version.ts";
import { portOwner } from "./port-owner.ts";
import { RotatingLog } from "./log-file.ts";

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
    const cli = cliOf(io);
    const settings = await cli.loadSettings({
      dev,
      configFile: args.flags.config as string | undefined,
      overrides: args.flags.listen ? { listen: args.flags.listen } : undefined,
    });
    const lock = await acquireLock(settings.data_dir, 3000, true);
    const logFile = settings.log_file
      ? new RotatingLog(
        settings.log_file,
        settings.log_file_max_mb * 1024 * 1024,
        settings.log_file_count,
      )
      : null;
    const errLine = (l: string) => {
      io.err(l);
      logFile?.write(l);
    };
    // The API listener comes first: a taken address must fail before anything
    // that would need undoing (the private nginx, the backends) has started.
    const hostname = settings.listen.slice(0, settings.listen.lastIndexOf(":")).replace(
      /^\[|\]$/g,
      "",
    );
    const port = Number(settings.listen.slice(settings.listen.lastIndexOf(":") + 1));
    const ac = new AbortController();
    // Requests that arrive while the agent is being built wait for it.
    const app = Promise.withResolvers<
      (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>
    >();
    app.promise.catch(() => {});
    let server: Deno.HttpServer;
    try {
      server = Deno.serve(
        { hostname, port, signal: ac.signal, onListen: () => {} },
        async (req, info) => (await app.promise)(req, info),
      );
    } catch (e) {
      await lock.release();
      if (!(e instanceof Deno.errors.AddrInUse)) throw e;
      const owner = portOwner(port);
      errLine(
        `error: listen ${settings.listen} is already in use${
          owner ? ` (by ${owner.name} pid ${owner.pid})` : ""
        }: stop that process or choose another address with the listen setting (--listen, AGENT_LISTEN)`,
      );
      return 1;
    }
    // Listen for signals before anything starts (the private nginx, the backends):
    // a SIGTERM that arrives mid-start must still stop what was started.
    const { promise: stopSignal, resolve: onSignal } = Promise.withResolvers<void>();
    let stopping = false;
    const onStop = () => {
      stopping = true;
      onSignal();
    };
    Deno.addSignalListener("SIGINT", onStop);
    Deno.addSignalListener("SIGTERM", onStop);
    // rt.log carries operational (info) messages, and at log_level debug the debug lines
    // (every command run; createRuntime makes them only then); warn or error silences both.
    const verbose = settings.log_level === "debug" || settings.log_level === "info";
    let agent;
    try {
      agent = await cli.build(settings, {
        privateNginx: dev,
        log: (m) => verbose && errLine(`[agent] ${m}`),
      });
    } catch (e) {
      app.reject(e);
      ac.abort();
      await server.finished.catch(() => {});
      await lock.release();
      throw e;
    }
    const { rt } = agent;
    app.resolve(agent.app.fetch);
    const url = baseUrl(settings.listen);
    io.out(`Switchyard agent ${VERSION}${dev ? " (dev mode)" : ""}`);
    io.out(`  API and web UI: ${url}/`);
    // The key is printed only in dev mode: in production stdout is the journal.
    if (dev) io.out(`  API key:        ${rt.apiKey}`);
    else {
      io.out(
        `  API key:        ${
          settings.api_key ? "from the api_key setting" : `in ${settings.data_dir}/api-key`
        } (not printed)`,
      );
    }
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
    if (dev) {
      io.out(`  try:            curl -H 'X-Agent-Key: ${rt.apiKey}' ${url}/api/config/status`);
    } else if (!settings.api_key) {
      io.out(
        `  try:            curl -H "X-Agent-Key: $(cat ${settings.data_dir}/api-key)" ${url}/api/config/status`,
      );
    }
    for (const w of rt.warnings) io.out(`  warning: ${w}`);
    if (!stopping) await agent.startJobs();
    // Pending changes, and settings changed while stopped (ports, paths), go live now.
    if (!stopping && settings.apply_mode === "auto") {
      rt.reconciler.rerender().then(
        (o) => o.status !== "unchanged" && rt.log(`startup apply: ${o.status}`),
        (e) => errLine(`[agent] startup apply failed: ${e.message}`),
      );
    }
    const stop = async () => {
      errLine("[agent] shutting down");
      ac.abort();
      await server.finished.catch(() => {});
      await agent.close();
      await lock.release();
    };
    await stopSignal;
    await stop();
    Deno.removeSignalListener("SIGINT", onStop);
    Deno.removeSignalListener("SIGTERM", onStop);
    return 0;
  },
};
