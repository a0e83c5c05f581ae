// `agent fleet join [--dry-run]`: offline, on the stopped agent's data_dir and
// settings (like rebuild-db on a stopped agent, but never through the API): a
// join changes the store the agent runs on (kv → etcd), which only a restart
// takes up, and the agent must not write the state file while it is copied.
// So it takes the data_dir lock (refused while the agent runs), reads the
// fleet settings, copies (join.ts), and leaves the agent to be started.
import type { CliIO, Parsed } from "../../cli/command.ts";
import { cliOf } from "../../cli/command.ts";
import { acquireLock } from "../../cli/lock.ts";
import { AgentError, invalid } from "../../errors.ts";
import { Etcd } from "../../fleet/etcd.ts";
import { fleetKeys } from "../../fleet/keys.ts";
import { openStore } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";
import { etcdOptions } from "./etcd-options.ts";
import { joinFleet, type JoinReport } from "./join.ts";
import { type FleetSettings, nodeName } from "./settings.ts";

/** What the join prints. Pure. */
function joinLines(r: JoinReport, cluster: string): string[] {
  const kinds = Object.entries(r.kinds).sort(([a], [b]) => a.localeCompare(b));
  const w = Math.max(4, ...kinds.map(([k]) => k.length));
  const head = r.dry_run
    ? r.resolved
      ? `dry run: fleet ${cluster} already holds exactly this state (generation ${r.generation}): ` +
        "the join would only mark the state file as its mirror"
      : `dry run: would copy ${r.records} record(s) into ${r.prefix} (empty) in ${r.transactions} ` +
        `transaction(s)${r.started_over ? ", after clearing this node's unfinished join" : ""}`
    : r.resolved
    ? `fleet ${cluster} already held exactly this state (an earlier join): the state file is ` +
      `now its mirror at generation ${r.generation} (revision ${r.revision})`
    : `joined fleet ${cluster}: copied ${r.records} record(s) into ${r.prefix} in ${r.transactions} ` +
      `transaction(s), generation ${r.generation} (revision ${r.revision})` +
      (r.started_over ? "; this node's unfinished join was cleared first" : "");
  const out = [head, ...kinds.map(([k, n]) => `  ${k.padEnd(w)} ${String(n).padStart(5)}`)];
  if (r.sealed) {
    out.push(
      `${r.sealed} sealed secret field(s) copied as ciphertext: every node of the fleet needs ` +
        "this node's `secret` setting",
    );
  }
  if (!r.dry_run) {
    out.push(
      'start the agent (store = "etcd"): it serves what it served and follows the fleet; ' +
        "other nodes join on an empty data_dir",
    );
  }
  return out;
}

export async function runJoin(args: Parsed, io: CliIO): Promise<number> {
  const cli = cliOf(io);
  const settings = await cli.loadSettings({
    dev: args.flags.dev === true,
    configFile: args.flags.config as string | undefined,
  }) as unknown as CoreSettings & FleetSettings;
  if (settings.store !== "etcd") {
    throw invalid(
      "store",
      'is "kv": set store = "etcd" (with etcd_endpoints and cluster) in the settings first, ' +
        "so the agent starts as the fleet's member after the join",
    );
  }
  const keys = fleetKeys(settings.cluster);
  const o = await etcdOptions(settings);
  let lock;
  try {
    lock = await acquireLock(settings.data_dir, 1000, true);
  } catch (e) {
    if (!(e instanceof AgentError) || e.code !== "CONFLICT") throw e;
    throw new AgentError(
      "CONFLICT",
      `the agent is running: data_dir ${settings.data_dir} is locked by ${
        e.detail.holder || "another process"
      } (agent.lock). Stop it first: a join copies a stopped agent's state`,
      { field: "data_dir", holder: e.detail.holder },
    );
  }
  try {
    const store = await openStore(settings.data_dir);
    const etcd = new Etcd(o);
    try {
      const r = await joinFleet(store.kv, etcd, keys, {
        node: nodeName(settings),
        dryRun: args.flags["dry-run"] === true,
        secret: settings.secret,
        secretsOf: (k) => cli.kinds.secretsOf(k),
      });
      if (args.flags.json) io.out(JSON.stringify({ cluster: settings.cluster, ...r }, null, 2));
      else for (const l of joinLines(r, settings.cluster)) io.out(l);
      return 0;
    } finally {
      etcd.close();
      store.close();
    }
  } finally {
    await lock.release();
  }
}
