// `agent acme publish-challenge | cleanup-challenge`: certbot's --manual-auth-hook
// and --manual-cleanup-hook on the fleet's controller. They read certbot's env
// (CERTBOT_TOKEN, CERTBOT_VALIDATION, CERTBOT_DOMAIN) and the run's context
// file the controller names in SWITCHYARD_ACME_CONTEXT (etcd settings, the
// generation to wait for, the timeout), and talk to etcd directly.
import type { CliIO, Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { asAgentError, invalid } from "../../errors.ts";
import { Etcd } from "../../fleet/etcd.ts";
import { fleetKeys } from "../../fleet/keys.ts";
import { etcdOptions } from "../fleet/feature.ts";
import type { FleetSettings } from "../fleet/settings.ts";
import {
  cleanupChallenge,
  HOOK_CONTEXT_ENV,
  type HookContext,
  publishChallenge,
  requireEnv,
} from "./fleet-hook.ts";

async function readContext(path: string): Promise<HookContext> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as HookContext;
  } catch (e) {
    throw invalid(HOOK_CONTEXT_ENV, `cannot read ${path}: ${(e as Error).message}`);
  }
}

async function runHook(verb: string, io: CliIO): Promise<void> {
  const env = requireEnv(io.env, [HOOK_CONTEXT_ENV, "CERTBOT_TOKEN"]);
  const ctx = await readContext(env[HOOK_CONTEXT_ENV]);
  const etcd = new Etcd(await etcdOptions(ctx.settings as unknown as FleetSettings));
  const keys = fleetKeys(ctx.settings.cluster);
  try {
    if (verb === "cleanup-challenge") {
      await cleanupChallenge(etcd, keys, env.CERTBOT_TOKEN);
      return;
    }
    const more = requireEnv(io.env, ["CERTBOT_VALIDATION", "CERTBOT_DOMAIN"]);
    const t0 = performance.now();
    const nodes = await publishChallenge(etcd, keys, {
      token: env.CERTBOT_TOKEN,
      keyAuthorization: more.CERTBOT_VALIDATION,
      domain: more.CERTBOT_DOMAIN,
      generation: ctx.generation,
      timeoutMs: ctx.timeout_s * 1000,
    });
    io.out(
      `challenge for ${more.CERTBOT_DOMAIN} on ${nodes.length} node(s) (${nodes.join(", ")}) in ${
        Math.round(performance.now() - t0)
      } ms`,
    );
  } finally {
    etcd.close();
  }
}

export const acmeCommand: Command = {
  name: "acme",
  summary: "certbot's HTTP-01 hooks in a fleet: publish-challenge, cleanup-challenge",
  usage: "acme publish-challenge | cleanup-challenge",
  help: `certbot's --manual-auth-hook and --manual-cleanup-hook on the fleet's controller
(store = etcd); the agent passes them to certbot, operators do not run them.

  agent acme publish-challenge   puts CERTBOT_VALIDATION on acme/challenges/CERTBOT_TOKEN and
                                 waits until every registered node serves it (or names those
                                 that did not within acme_challenge_timeout)
  agent acme cleanup-challenge   removes the challenge; nodes delete the file`,
  async run(args, io) {
    const verb = args.positionals[0];
    if (verb !== "publish-challenge" && verb !== "cleanup-challenge") {
      throw new UsageError(`usage: agent ${acmeCommand.usage}`);
    }
    try {
      await runHook(verb, io);
      return 0;
    } catch (e) {
      // certbot only logs a failed hook and goes on: the controller reads this file.
      const file = io.env[HOOK_CONTEXT_ENV]
        ? await readContext(io.env[HOOK_CONTEXT_ENV]!).then((c) => c.error_file, () => null)
        : null;
      if (file) {
        const err = asAgentError(e);
        await Deno.writeTextFile(file, `${verb}: ${err.message}\n`, { append: true, mode: 0o600 })
          .catch(() => {});
      }
      throw e;
    }
  },
};
