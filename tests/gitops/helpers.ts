// A test agent whose API also listens on a loopback port, so the real CLI
// commands (export, lint, plan, apply) reach it over HTTP as they do in CI.
import {
  freePort,
  startTestAgent,
  type TestAgent,
  type TestAgentOptions,
} from "../helpers/agent.ts";
import { cliContext } from "../../agent/cli/main.ts";
import { parseArgs } from "../../agent/cli/command.ts";

export interface CliAgent extends TestAgent {
  cli(
    argv: string[],
    env?: Record<string, string>,
  ): Promise<{ code: number; out: string; err: string }>;
}

export async function startCliAgent(opts: TestAgentOptions = {}): Promise<CliAgent> {
  const port = freePort();
  const t = await startTestAgent({
    ...opts,
    overrides: { listen: `127.0.0.1:${port}`, ...opts.overrides },
  });
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, signal: ac.signal, onListen: () => {} },
    t.agent.app.fetch,
  );
  const ctx = { ...cliContext(t.agent.host), loadSettings: () => Promise.resolve(t.settings) };
  return {
    ...t,
    async cli(argv, env = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const io = {
        out: (l: string) => out.push(l),
        err: (l: string) => err.push(l),
        env,
        cli: ctx,
      };
      const [name, ...rest] = argv;
      const cmd = ctx.commands.find((c) => c.name === name);
      if (!cmd) throw new Error(`no command ${name}`);
      const code = await cmd.run(parseArgs(rest, cmd.flags ?? []), io);
      return { code, out: out.join("\n"), err: err.join("\n") };
    },
    async close() {
      ac.abort();
      await server.finished;
      await t.close();
    },
  };
}
